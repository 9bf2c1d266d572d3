import { HelmRevision } from '../cluster';
import { ReleaseStatusRecord } from '../database';
import { GitopsHelmRevision } from '@backstage-gitops/plugin-gitops-common';

/** Whether storing `next` would change anything people can see. */
export function sameStatus(
  previous: ReleaseStatusRecord,
  next: ReleaseStatusRecord,
): boolean {
  return (
    previous.state === next.state &&
    previous.reason === next.reason &&
    previous.revision === next.revision &&
    previous.chartVersion === next.chartVersion &&
    previous.appVersion === next.appVersion &&
    previous.deployedAt === next.deployedAt &&
    previous.since === next.since &&
    previous.error === next.error &&
    JSON.stringify(previous.flux) === JSON.stringify(next.flux) &&
    JSON.stringify(previous.differences) === JSON.stringify(next.differences)
  );
}

/** Helm's revisions as the API lists them: newest first, values left out. */
export function toHelmRevisions(history: HelmRevision[]): GitopsHelmRevision[] {
  return [...history]
    .sort((a, b) => b.revision - a.revision)
    .map(revision => ({
      revision: revision.revision,
      status: revision.status,
      ...(revision.chartName ? { chartName: revision.chartName } : {}),
      ...(revision.chartVersion ? { chartVersion: revision.chartVersion } : {}),
      ...(revision.appVersion ? { appVersion: revision.appVersion } : {}),
      ...(revision.description ? { description: revision.description } : {}),
      ...(revision.firstDeployed
        ? { firstDeployedAt: revision.firstDeployed }
        : {}),
      ...(revision.lastDeployed ? { deployedAt: revision.lastDeployed } : {}),
    }));
}

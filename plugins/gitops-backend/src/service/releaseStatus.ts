import { ReleaseStatusRecord } from '../database';
import {
  GitopsClusterStatus,
  GitopsReleaseStatus,
} from '@backstage-gitops/plugin-gitops-common';

/**
 * A stored status as the API shows it. The cluster's last good cycle says
 * when it was checked; an error newer than that (of the cluster, or of this
 * release's namespace or apply) makes it stale: the last known state, with
 * what went wrong and since when.
 */
export function releaseStatusOf(
  record: ReleaseStatusRecord,
  cluster: GitopsClusterStatus | undefined,
): GitopsReleaseStatus {
  const checkedAt = cluster?.lastReconciledAt ?? record.errorAt ?? '';
  const clusterFailing =
    cluster?.lastError &&
    cluster.lastErrorAt &&
    (!cluster.lastReconciledAt ||
      Date.parse(cluster.lastErrorAt) > Date.parse(cluster.lastReconciledAt));
  let stale: { error: string; at: string } | undefined;
  if (clusterFailing)
    stale = { error: cluster!.lastError!, at: cluster!.lastErrorAt! };
  else if (record.error)
    stale = { error: record.error, at: record.errorAt ?? checkedAt };
  return {
    cluster: record.cluster,
    state: record.state,
    reason: record.reason,
    differences: record.differences,
    ...(record.revision !== undefined ? { revision: record.revision } : {}),
    ...(record.chartVersion ? { chartVersion: record.chartVersion } : {}),
    ...(record.appVersion ? { appVersion: record.appVersion } : {}),
    ...(record.deployedAt ? { deployedAt: record.deployedAt } : {}),
    ...(record.since ? { since: record.since } : {}),
    ...(record.flux ? { flux: record.flux } : {}),
    checkedAt,
    ...(stale ? { stale } : {}),
  };
}

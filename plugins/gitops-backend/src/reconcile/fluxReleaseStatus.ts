import { GitopsFluxReleaseStatus } from '@backstage-gitops/plugin-gitops-common';
import { HelmRevision, helmStatusOf } from '../cluster';
import { fluxGenerationOf } from '../kernel';
import { fluxConditions, textField } from './fluxConditions';
import { LiveHelmRelease } from './types';

/** The conditions the card shows, in this order. */
const SHOWN_CONDITIONS = ['Ready', 'Released', 'Remediated', 'TestSuccess'];

/** helm-controller keeps at most this many snapshots; more is not trusted. */
const SNAPSHOT_LIMIT = 50;

type Snapshot = Record<string, unknown>;

function snapshotsOf(live: LiveHelmRelease): Snapshot[] {
  const history = live.status?.history;
  if (!Array.isArray(history)) return [];
  return history
    .slice(0, SNAPSHOT_LIMIT)
    .filter(
      (item): item is Snapshot =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as Snapshot).version === 'number',
    );
}

/** Whether this is a helm-controller (Flux v2) HelmRelease. */
export function isFluxV2Release(live: LiveHelmRelease | undefined): boolean {
  return !!live && fluxGenerationOf(live.apiVersion) === 'v2';
}

/** Whether the HelmRelease carries helm-controller's `status.history` (v2, v2beta2). */
export function hasStatusHistory(live: LiveHelmRelease | undefined): boolean {
  return isFluxV2Release(live) && snapshotsOf(live!).length > 0;
}

/**
 * What a Flux v2 HelmRelease says of itself: its conditions (Ready,
 * Released, Remediated, TestSuccess), whether it is suspended, and what
 * helm-controller last attempted against what it applied (the newest
 * snapshot of `status.history`; v2beta1's `lastAppliedRevision`).
 * Undefined for Flux v1 HelmReleases.
 */
export function readFluxReleaseStatus(
  live: LiveHelmRelease | undefined,
  options: { historyFromStatus?: boolean } = {},
): GitopsFluxReleaseStatus | undefined {
  if (!live || !isFluxV2Release(live)) return undefined;
  const status = live.status ?? {};
  const applied = newestSnapshot(snapshotsOf(live));
  const lastAttemptedRevision = textField(status.lastAttemptedRevision);
  const lastAttemptedConfigDigest =
    textField(status.lastAttemptedConfigDigest) ??
    textField(status.lastAttemptedValuesChecksum);
  const lastAppliedRevision =
    textField(applied?.chartVersion) ?? textField(status.lastAppliedRevision);
  const lastAppliedConfigDigest = textField(applied?.configDigest);
  const attemptDiffers =
    (!!lastAttemptedRevision &&
      !!lastAppliedRevision &&
      lastAttemptedRevision !== lastAppliedRevision) ||
    (!!lastAttemptedConfigDigest &&
      !!lastAppliedConfigDigest &&
      lastAttemptedConfigDigest !== lastAppliedConfigDigest);
  return {
    apiVersion: live.apiVersion,
    suspended: live.spec?.suspend === true,
    conditions: fluxConditions(status, SHOWN_CONDITIONS),
    ...(lastAttemptedRevision ? { lastAttemptedRevision } : {}),
    ...(lastAttemptedConfigDigest ? { lastAttemptedConfigDigest } : {}),
    ...(lastAppliedRevision ? { lastAppliedRevision } : {}),
    ...(lastAppliedConfigDigest ? { lastAppliedConfigDigest } : {}),
    attemptDiffers,
    ...(options.historyFromStatus ? { historyFromStatus: true } : {}),
  };
}

function newestSnapshot(snapshots: Snapshot[]): Snapshot | undefined {
  let newest: Snapshot | undefined;
  for (const snapshot of snapshots) {
    if (!newest || (snapshot.version as number) > (newest.version as number))
      newest = snapshot;
  }
  return newest;
}

/**
 * Helm's history as helm-controller records it in `status.history`, oldest
 * first like the history read from Helm's Secrets: for clusters where those
 * Secrets are not ours to read (Flux runs the cluster). Snapshots carry no
 * values, so no values are compared against them.
 */
export function historyFromStatus(live: LiveHelmRelease): HelmRevision[] {
  const revisions: HelmRevision[] = [];
  for (const snapshot of snapshotsOf(live)) {
    const revision = snapshot.version as number;
    if (!Number.isInteger(revision) || revision < 1) continue;
    const status = textField(snapshot.status);
    const description = describeTests(snapshot.testHooks);
    const chartName = textField(snapshot.chartName);
    const chartVersion = textField(snapshot.chartVersion);
    const appVersion = textField(snapshot.appVersion);
    const firstDeployed = textField(snapshot.firstDeployed);
    const lastDeployed = textField(snapshot.lastDeployed);
    revisions.push({
      name: textField(snapshot.name) ?? live.metadata.name,
      namespace: textField(snapshot.namespace) ?? live.metadata.namespace,
      revision,
      status: helmStatusOf(status),
      ...(chartName ? { chartName } : {}),
      ...(chartVersion ? { chartVersion } : {}),
      ...(appVersion ? { appVersion } : {}),
      ...(description ? { description } : {}),
      ...(firstDeployed ? { firstDeployed } : {}),
      ...(lastDeployed ? { lastDeployed } : {}),
    });
  }
  return revisions.sort((a, b) => a.revision - b.revision);
}

/** `testHooks` of a snapshot in words: "tests: podinfo-grpc Failed, podinfo-jwt Succeeded". */
function describeTests(testHooks: unknown): string | undefined {
  if (typeof testHooks !== 'object' || testHooks === null) return undefined;
  const parts = Object.entries(testHooks as Record<string, unknown>)
    .slice(0, 20)
    .map(([name, hook]) => {
      const phase =
        typeof hook === 'object' && hook !== null
          ? textField((hook as Record<string, unknown>).phase)
          : undefined;
      return `${name} ${phase ?? 'not run'}`;
    });
  return parts.length > 0 ? `tests: ${parts.join(', ')}` : undefined;
}

import {
  GitopsReleaseKey,
  stringifyGitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';
import { helmReleaseKey } from '../cluster';
import {
  ClusterStateStore,
  HelmHistoryRecord,
  NewEvent,
  ReleaseRecord,
  ReleaseStatusRecord,
} from '../database';
import { helmStorageNamespace } from '../kernel';
import { AppliedEnvironments } from './applyEnvironments';
import { assessRelease } from './assessRelease';
import { LiveCluster, liveHelmReleaseKey } from './ClusterRead';
import {
  hasStatusHistory,
  historyFromStatus,
  readFluxReleaseStatus,
} from './fluxReleaseStatus';
import { sameStatus, toHelmRevisions } from './releaseStatusRecord';
import { LiveHelmRelease } from './types';

/** What a reconcile cycle stores for one cluster, in one transaction. */
export type ClusterAssessment = {
  /** Statuses that changed. */
  statuses: ReleaseStatusRecord[];
  /** Releases no longer in git, whose statuses go. */
  removed: GitopsReleaseKey[];
  histories: HelmHistoryRecord[];
  events: NewEvent[];
};

/**
 * Compares each release of git with what the cluster holds
 * (`assessRelease`) and keeps what changed since the stored statuses. A
 * release that could not be read keeps its last known state, marked with
 * why; an apply failure or an undecodable Helm secret marks its release.
 */
export async function assessReleases(
  options: {
    cluster: string;
    clusterStateStore: ClusterStateStore;
    /** After an apply, differences are Progressing this long before they are Drifted. */
    gracePeriodMs: number;
  },
  releases: ReleaseRecord[],
  live: LiveCluster,
  applied: Pick<AppliedEnvironments, 'appliedAt' | 'failures'>,
  at: Date,
): Promise<ClusterAssessment> {
  const { cluster, clusterStateStore, gracePeriodMs } = options;
  const previous = new Map(
    (await clusterStateStore.listReleaseStatuses(cluster)).map(s => [
      stringifyGitopsReleaseKey(s),
      s,
    ]),
  );
  const statuses: ReleaseStatusRecord[] = [];
  const histories: HelmHistoryRecord[] = [];
  const events: NewEvent[] = [];
  const seen = new Set<string>();

  for (const release of releases) {
    const key: GitopsReleaseKey = {
      environment: release.environment,
      namespace: release.namespace,
      name: release.name,
    };
    const text = stringifyGitopsReleaseKey(key);
    seen.add(text);
    const before = previous.get(text);
    const storage = helmStorageNamespace(release);
    const refused = live.refused.get(text);
    const liveRelease = live.helmReleases.get(
      liveHelmReleaseKey(release.apiVersion, release.namespace, release.name),
    ) as LiveHelmRelease | undefined;
    // Helm's Secrets refused but the HelmRelease read: helm-controller's own
    // status.history stands in for Helm's history.
    const statusHistory =
      !refused &&
      live.secretsRefused.has(storage) &&
      [release.namespace, storage].every(
        ns => !live.namespaceErrors.has(ns) || live.secretsRefused.has(ns),
      ) &&
      hasStatusHistory(liveRelease);
    const readError =
      refused ??
      live.namespaceErrors.get(release.namespace) ??
      live.namespaceErrors.get(storage);
    if (readError && !statusHistory) {
      // Keep the last known state; only say it could not be refreshed. A
      // refused release keeps no differences: they came from a read that is
      // no longer allowed.
      const status: ReleaseStatusRecord = {
        ...(before ?? {
          ...key,
          cluster,
          state: 'Missing' as const,
          reason: 'not read from the cluster yet',
          differences: [],
        }),
        ...(refused ? { differences: [] } : {}),
        error: readError,
        errorAt:
          before?.error === readError
            ? before.errorAt ?? at.toISOString()
            : at.toISOString(),
      };
      if (!before || !sameStatus(before, status)) statuses.push(status);
      continue;
    }

    const history = statusHistory
      ? historyFromStatus(liveRelease!)
      : live.histories.get(helmReleaseKey(storage, release.releaseName)) ?? [];
    const assessment = assessRelease({
      desired: {
        apiVersion: release.apiVersion,
        namespace: release.namespace,
        name: release.name,
        releaseName: release.releaseName,
        chartVersion: release.chartVersion,
        values: (release.spec.values as Record<string, unknown>) ?? {},
        spec: release.spec,
      },
      live: liveRelease,
      history,
      appliedAt: applied.appliedAt.get(text),
      now: at,
      gracePeriodMs,
    });
    const newest = history[history.length - 1];
    const flux = readFluxReleaseStatus(liveRelease, {
      historyFromStatus: statusHistory,
    });
    const problem =
      applied.failures.get(text) ??
      live.undecodable.get(helmReleaseKey(storage, release.releaseName));
    const status: ReleaseStatusRecord = {
      ...key,
      cluster,
      state: assessment.state,
      reason: assessment.reason,
      differences: assessment.differences,
      ...(assessment.revision !== undefined
        ? { revision: assessment.revision }
        : {}),
      ...(assessment.chartVersion
        ? { chartVersion: assessment.chartVersion }
        : {}),
      ...(newest?.appVersion ? { appVersion: newest.appVersion } : {}),
      ...(assessment.deployedAt ? { deployedAt: assessment.deployedAt } : {}),
      ...(assessment.since ? { since: assessment.since } : {}),
      ...(flux ? { flux } : {}),
      ...(problem
        ? {
            error: problem,
            errorAt:
              before?.error === problem
                ? before.errorAt ?? at.toISOString()
                : at.toISOString(),
          }
        : {}),
    };
    if (!before || !sameStatus(before, status)) statuses.push(status);
    if (
      !before ||
      before.revision !== status.revision ||
      before.deployedAt !== status.deployedAt ||
      before.state !== status.state
    ) {
      histories.push({ ...key, cluster, revisions: toHelmRevisions(history) });
    }
    if (before?.state !== status.state) {
      events.push({
        type: 'release-state',
        repository: release.repository,
        ...key,
        message: before
          ? `${before.state} -> ${status.state}: ${status.reason}`
          : `${status.state}: ${status.reason}`,
        details: {
          cluster,
          from: before?.state ?? null,
          to: status.state,
          ...(status.revision !== undefined
            ? { revision: status.revision }
            : {}),
        },
        at,
      });
    }
  }
  const removed = [...previous.values()]
    .filter(status => !seen.has(stringifyGitopsReleaseKey(status)))
    .map(({ environment, namespace, name }) => ({
      environment,
      namespace,
      name,
    }));
  return { statuses, removed, histories, events };
}

import {
  GitopsReleaseKey,
  stringifyGitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';
import {
  ChartStatusStore,
  ClusterStateStore,
  GitopsStores,
  ImageStatusStore,
  NewEvent,
  SyncStateStore,
} from '../database';
import { overriding } from '../kernel';
import { GitopsChanges } from './GitopsChanges';
import { storedReleases } from './releaseStates';

const RELEASE_EVENTS = new Set([
  'release-added',
  'release-updated',
  'release-removed',
]);

const keyOf = (k: GitopsReleaseKey): GitopsReleaseKey => ({
  environment: k.environment,
  namespace: k.namespace,
  name: k.name,
});

/** JSON with object keys sorted, so a stored and a fresh value compare equal. */
function digestOf(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map(k => [k, v[k]]),
        )
      : v,
  );
}

/** A status without the time it was checked, which changes every run. */
function unchecked<T extends { checkedAt?: string }>(status: T) {
  const { checkedAt: _checkedAt, ...rest } = status;
  return rest;
}

function releaseEventKeys(events: NewEvent[]) {
  const changed: GitopsReleaseKey[] = [];
  const earlier: GitopsReleaseKey[] = [];
  for (const event of events) {
    if (!RELEASE_EVENTS.has(event.type)) continue;
    if (!event.environment || !event.namespace || !event.name) continue;
    const key = keyOf(event as GitopsReleaseKey);
    changed.push(key);
    if (event.type !== 'release-added') earlier.push(key);
  }
  return { changed, earlier };
}

/**
 * Git sync's writes, reported: the releases its events name, with their
 * states before (a release that stops matching an entity changes its card
 * too) and after; a new commit and replaced environments change the
 * environments. A sync that stores nothing new reports nothing.
 */
function observedSyncStateStore(
  inner: SyncStateStore,
  changes: GitopsChanges,
): SyncStateStore {
  return overriding<SyncStateStore>(inner, {
    async applySync(sync) {
      const { changed, earlier } = releaseEventKeys(sync.events);
      const newCommit = sync.events.some(e => e.type === 'synced');
      if (changed.length === 0 && !newCommit) {
        await inner.applySync(sync);
        return;
      }
      const before = await storedReleases(inner, earlier);
      await inner.applySync(sync);
      const wanted = new Set(changed.map(stringifyGitopsReleaseKey));
      const after = sync.releases.filter(r =>
        wanted.has(stringifyGitopsReleaseKey(r)),
      );
      if (changed.length > 0)
        changes.releasesChanged(changed, [...before, ...after]);
      if (newCommit) {
        const environments = await inner.listEnvironments();
        changes.environmentsChanged(
          environments
            .filter(e => e.repository === sync.repositoryId)
            .map(e => e.name),
        );
      }
    },
    async replaceEnvironments(repositoryId, environments) {
      const before = await inner.listEnvironments();
      await inner.replaceEnvironments(repositoryId, environments);
      changes.environmentsChanged([
        ...new Set([
          ...before.filter(e => e.repository === repositoryId).map(e => e.name),
          ...environments.map(e => e.name),
        ]),
      ]);
    },
  });
}

/**
 * Helm reconciliation's writes, reported: the statuses and histories a
 * cycle writes (it writes only those that changed), and the environments
 * whose Flux status or apply problems changed or whose cluster failed or
 * recovered. Times of observation alone are no change.
 */
function observedClusterStateStore(
  inner: ClusterStateStore,
  syncStateStore: SyncStateStore,
  changes: GitopsChanges,
): ClusterStateStore {
  const environmentsOf = async (cluster: string) =>
    (await syncStateStore.listEnvironments())
      .filter(e => e.cluster === cluster)
      .map(e => e.name);
  const lastErrorOf = async (cluster: string) =>
    (await inner.listClusters()).find(c => c.name === cluster)?.lastError;

  return overriding<ClusterStateStore>(inner, {
    async applyReconcile(record) {
      const [fluxBefore, errorBefore] = await Promise.all([
        record.environmentFlux
          ? inner.listEnvironmentFluxStatuses()
          : undefined,
        lastErrorOf(record.cluster),
      ]);
      await inner.applyReconcile(record);
      const keys = [
        ...record.statuses,
        ...record.removed,
        ...record.histories,
      ].map(keyOf);
      if (keys.length > 0) changes.releasesChanged(keys);

      const environments = new Set<string>();
      if (record.environmentFlux && fluxBefore) {
        const digests = (statuses: typeof fluxBefore) =>
          new Map(
            statuses
              .filter(s => s.cluster === record.cluster)
              .map(({ observedAt: _observedAt, ...s }) => [
                s.environment,
                digestOf(s),
              ]),
          );
        const was = digests(fluxBefore);
        const is = digests(record.environmentFlux);
        for (const name of new Set([...was.keys(), ...is.keys()])) {
          if (was.get(name) !== is.get(name)) environments.add(name);
        }
      }
      if (errorBefore)
        (await environmentsOf(record.cluster)).forEach(e =>
          environments.add(e),
        );
      if (environments.size > 0) changes.environmentsChanged([...environments]);
    },
    async recordClusterFailure(cluster, message, at) {
      const before = await lastErrorOf(cluster);
      await inner.recordClusterFailure(cluster, message, at);
      if (before !== message)
        changes.environmentsChanged(await environmentsOf(cluster));
    },
    async recordApply(apply) {
      if (!apply.problems) {
        await inner.recordApply(apply);
        return;
      }
      const { repositoryId } = apply.problems;
      const problemsNow = async () =>
        digestOf(
          (await inner.listApplyProblems([repositoryId]))
            .filter(p => p.environment === apply.environment)
            .map(({ at: _at, ...p }) => p),
        );
      const before = await problemsNow();
      await inner.recordApply(apply);
      if ((await problemsNow()) !== before)
        changes.environmentsChanged([apply.environment]);
    },
  });
}

/**
 * Image automation's statuses, reported where they changed (the time checked
 * apart). Only the status rows are read before: a run that changes nothing
 * costs one small read.
 */
function observedImageStatusStore(
  inner: ImageStatusStore,
  changes: GitopsChanges,
): ImageStatusStore {
  return overriding<ImageStatusStore>(inner, {
    async recordImageStatuses(statuses) {
      if (statuses.length === 0) {
        await inner.recordImageStatuses(statuses);
        return;
      }
      const keys = new Map(
        statuses.map(s => [stringifyGitopsReleaseKey(s), keyOf(s)]),
      );
      const stored = await inner.imageStatusesOf([...keys.values()]);
      await inner.recordImageStatuses(statuses);
      const changed = new Set<string>();
      for (const status of statuses) {
        const was = stored(status, status.container);
        if (
          !was ||
          digestOf(unchecked(was)) !== digestOf(unchecked(status.status))
        ) {
          changed.add(stringifyGitopsReleaseKey(status));
        }
      }
      if (changed.size > 0) {
        changes.releasesChanged([...changed].map(k => keys.get(k)!));
      }
    },
  });
}

/**
 * The chart scan's statuses, reported where they changed (the time checked
 * apart). A status dropped with its release is git sync's change.
 */
function observedChartStatusStore(
  inner: ChartStatusStore,
  changes: GitopsChanges,
): ChartStatusStore {
  return overriding<ChartStatusStore>(inner, {
    async replaceChartStatuses(repositoryId, statuses) {
      const before = await inner.getChartStatuses(statuses.map(keyOf));
      await inner.replaceChartStatuses(repositoryId, statuses);
      const was = new Map(
        before.map(s => [
          stringifyGitopsReleaseKey(s),
          digestOf(unchecked(s.status)),
        ]),
      );
      const changed = statuses.filter(
        s =>
          was.get(stringifyGitopsReleaseKey(s)) !==
          digestOf(unchecked(s.status)),
      );
      if (changed.length > 0) changes.releasesChanged(changed.map(keyOf));
    },
  });
}

/**
 * The stores, with every write the loops make reported to `changes` when,
 * and only when, it changes what a card shows. Reads are the stores' own.
 */
export function observeGitopsStores(
  stores: GitopsStores,
  changes: GitopsChanges,
): GitopsStores {
  const { syncStateStore } = stores;
  return {
    ...stores,
    syncStateStore: observedSyncStateStore(syncStateStore, changes),
    clusterStateStore: observedClusterStateStore(
      stores.clusterStateStore,
      syncStateStore,
      changes,
    ),
    imageStatusStore: observedImageStatusStore(
      stores.imageStatusStore,
      changes,
    ),
    chartStatusStore: observedChartStatusStore(
      stores.chartStatusStore,
      changes,
    ),
  };
}

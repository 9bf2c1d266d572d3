import {
  describeStores,
  reconcile,
  status,
} from './__testUtils__/storeFixtures';

describeStores('DatabaseClusterStateStore release state counts', storeTest => {
  storeTest(
    'counts stored statuses by environment and state, as numbers, across clusters',
    async ({ clusterStateStore }) => {
      expect(await clusterStateStore.countReleaseStates()).toEqual([]);
      await clusterStateStore.applyReconcile(
        reconcile({
          statuses: [
            status('dev', 'podinfo'),
            status('dev', 'redis'),
            status('dev', 'web', { state: 'Drifted' }),
            status('prod', 'podinfo', { state: 'Failed' }),
          ],
        }),
      );
      await clusterStateStore.applyReconcile(
        reconcile({ cluster: 'other', statuses: [status('stg', 'podinfo')] }),
      );
      const byKey = (rows: Array<{ environment: string; state: string }>) =>
        [...rows].sort((a, b) =>
          `${a.environment} ${a.state}`.localeCompare(
            `${b.environment} ${b.state}`,
          ),
        );

      // PostgreSQL counts as bigint; the store gives numbers all the same.
      expect(byKey(await clusterStateStore.countReleaseStates())).toEqual([
        { environment: 'dev', state: 'Drifted', count: 1 },
        { environment: 'dev', state: 'Synced', count: 2 },
        { environment: 'prod', state: 'Failed', count: 1 },
        { environment: 'stg', state: 'Synced', count: 1 },
      ]);

      // A removed release is counted no more.
      await clusterStateStore.applyReconcile(
        reconcile({
          removed: [{ environment: 'dev', namespace: 'dev', name: 'web' }],
        }),
      );
      expect(byKey(await clusterStateStore.countReleaseStates())).toEqual([
        { environment: 'dev', state: 'Synced', count: 2 },
        { environment: 'prod', state: 'Failed', count: 1 },
        { environment: 'stg', state: 'Synced', count: 1 },
      ]);
    },
  );
});

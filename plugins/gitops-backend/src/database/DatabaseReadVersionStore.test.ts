import { describeStores, reconcile, release, status, sync } from './__testUtils__/storeFixtures';

describeStores('DatabaseReadVersionStore', storeTest => {
  storeTest('keeps its version while nothing is written, and moves with every write a read shows', async stores => {
    const { syncStateStore, clusterStateStore, releaseOwnerStore, readVersionStore } = stores;
    const seen = new Set<string>();
    /** The version after a write: new, and stable until the next one. */
    const moved = async () => {
      const version = await readVersionStore.currentVersion();
      expect(await readVersionStore.currentVersion()).toBe(version);
      expect(seen.has(version)).toBe(false);
      seen.add(version);
    };
    await moved();
    await syncStateStore.applySync(sync({ releases: [release('dev', 'podinfo'), release('prod', 'podinfo')] }));
    await moved();
    // Same count of releases, another content.
    await syncStateStore.applySync(
      sync({ commit: 'c2', full: false, replacedPaths: ['releases/dev/podinfo.yaml'], releases: [release('dev', 'podinfo', { commit: 'c2' })] }),
    );
    await moved();
    await syncStateStore.recordRepositoryFailure('config', 'unreachable', new Date('2026-11-25T11:00:00Z'));
    await moved();
    await clusterStateStore.ensureClusters([{ name: 'demo' }]);
    await moved();
    await clusterStateStore.applyReconcile(reconcile({ statuses: [status('dev', 'podinfo')] }));
    await moved();
    await clusterStateStore.applyReconcile(
      reconcile({ at: new Date('2026-11-25T12:01:00Z'), statuses: [status('dev', 'podinfo', { state: 'Drifted' })] }),
    );
    await moved();
    await releaseOwnerStore.replaceOwners([], [
      { environment: 'dev', namespace: 'dev', name: 'podinfo', entityRef: 'component:default/podinfo', owners: ['group:default/team'] },
    ]);
    await moved();
    await syncStateStore.replaceEnvironments('config', [{ name: 'dev', repository: 'config', path: 'releases/dev', order: 1 }]);
    await moved();
  });
});

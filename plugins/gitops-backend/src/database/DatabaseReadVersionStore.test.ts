import {
  describeStores,
  reconcile,
  release,
  status,
  sync,
} from './__testUtils__/storeFixtures';

describeStores('DatabaseReadVersionStore', storeTest => {
  storeTest(
    'keeps its version while nothing is written, and moves with every write a read shows',
    async stores => {
      const {
        syncStateStore,
        clusterStateStore,
        releaseOwnerStore,
        readVersionStore,
      } = stores;
      const seen = new Set<string>();
      /** The version after a write: new, and stable until the next one. */
      const moved = async () => {
        const version = await readVersionStore.currentVersion();
        expect(await readVersionStore.currentVersion()).toBe(version);
        expect(seen.has(version)).toBe(false);
        seen.add(version);
      };
      await moved();
      await syncStateStore.applySync(
        sync({
          releases: [release('dev', 'podinfo'), release('prod', 'podinfo')],
        }),
      );
      await moved();
      // Same count of releases, another content.
      await syncStateStore.applySync(
        sync({
          commit: 'c2',
          full: false,
          replacedPaths: ['releases/dev/podinfo.yaml'],
          releases: [release('dev', 'podinfo', { commit: 'c2' })],
        }),
      );
      await moved();
      await syncStateStore.recordRepositoryFailure(
        'config',
        'unreachable',
        new Date('2026-11-25T11:00:00Z'),
      );
      await moved();
      await clusterStateStore.ensureClusters([{ name: 'demo' }]);
      await moved();
      await clusterStateStore.applyReconcile(
        reconcile({ statuses: [status('dev', 'podinfo')] }),
      );
      await moved();
      await clusterStateStore.applyReconcile(
        reconcile({
          at: new Date('2026-11-25T12:01:00Z'),
          statuses: [status('dev', 'podinfo', { state: 'Drifted' })],
        }),
      );
      await moved();
      await releaseOwnerStore.replaceOwners(
        [],
        [
          {
            environment: 'dev',
            namespace: 'dev',
            name: 'podinfo',
            entityRef: 'component:default/podinfo',
            owners: ['group:default/team'],
          },
        ],
      );
      await moved();
      await syncStateStore.replaceEnvironments('config', [
        { name: 'dev', repository: 'config', path: 'releases/dev', order: 1 },
      ]);
      await moved();
    },
  );
});

describeStores('DatabaseReadVersionStore, transactions', storeTest => {
  storeTest(
    'moves only when a write commits: never for one rolled back, and on PostgreSQL never before the commit',
    async ({ knex, readVersionStore }) => {
      const start = await readVersionStore.currentVersion();
      const rename = (trx: typeof knex, url: string) =>
        trx('gitops_repositories').where({ id: 'config' }).update({ url });

      await expect(
        knex.transaction(async trx => {
          await rename(trx, 'file:///rolled-back.git');
          throw new Error('give up');
        }),
      ).rejects.toThrow('give up');
      expect(await readVersionStore.currentVersion()).toBe(start);

      if (knex.client.config.client === 'pg') {
        // Another connection reads while the write is open: the old version, then the new one with the data.
        const trx = await knex.transaction();
        await rename(trx, 'file:///open.git');
        await rename(trx, 'file:///open-twice.git');
        expect(await readVersionStore.currentVersion()).toBe(start);
        await trx.commit();
      } else {
        await rename(knex, 'file:///committed.git');
      }
      const after = await readVersionStore.currentVersion();
      expect(after).not.toBe(start);
      // Two statements in one transaction count once on PostgreSQL, each on SQLite: either way it moved.
      expect(Number(after)).toBeGreaterThan(Number(start));
    },
  );

  storeTest(
    'ignores the image tag cache, which scans rewrite and no read answers from',
    async ({ knex, readVersionStore }) => {
      const start = await readVersionStore.currentVersion();
      await knex('gitops_image_tags').del();
      expect(await readVersionStore.currentVersion()).toBe(start);
    },
  );
});

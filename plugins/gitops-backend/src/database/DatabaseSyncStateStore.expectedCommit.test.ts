import { describeStores, release, sync } from './__testUtils__/storeFixtures';

// Two replicas may sync one repository at once; the one that stores second
// from a commit that has moved meanwhile must store nothing.
describeStores(
  'DatabaseSyncStateStore.applySync with expectedCommit',
  storeTest => {
    storeTest(
      'stores when the stored commit is the expected one',
      async ({ syncStateStore }) => {
        await syncStateStore.applySync(
          sync({
            commit: 'c1',
            expectedCommit: null,
            releases: [release('dev', 'a')],
          }),
        );
        await syncStateStore.applySync(
          sync({
            commit: 'c2',
            expectedCommit: 'c1',
            releases: [release('dev', 'b', { commit: 'c2' })],
          }),
        );
        expect((await syncStateStore.getRepository('config'))?.lastCommit).toBe(
          'c2',
        );
        expect(
          (await syncStateStore.releasesFromPaths('config', 'all')).map(
            r => r.name,
          ),
        ).toEqual(['b']);
      },
    );

    storeTest(
      'refuses, storing nothing, when another sync moved the commit meanwhile',
      async ({ syncStateStore }) => {
        await syncStateStore.applySync(
          sync({
            commit: 'c1',
            expectedCommit: null,
            releases: [release('dev', 'a')],
          }),
        );
        // Both started from c1; the newer one (c3) stored first.
        await syncStateStore.applySync(
          sync({
            commit: 'c3',
            expectedCommit: 'c1',
            releases: [release('dev', 'new', { commit: 'c3' })],
          }),
        );
        await expect(
          syncStateStore.applySync(
            sync({
              commit: 'c2',
              expectedCommit: 'c1',
              releases: [release('dev', 'old', { commit: 'c2' })],
              events: [
                {
                  type: 'synced',
                  repository: 'config',
                  commit: 'c2',
                  at: new Date(),
                },
              ],
            }),
          ),
        ).rejects.toMatchObject({ name: 'ConflictError' });
        expect((await syncStateStore.getRepository('config'))?.lastCommit).toBe(
          'c3',
        );
        expect(
          (await syncStateStore.releasesFromPaths('config', 'all')).map(
            r => r.name,
          ),
        ).toEqual(['new']);
      },
    );

    storeTest(
      'refuses a first sync when one was stored meanwhile',
      async ({ syncStateStore }) => {
        await syncStateStore.applySync(
          sync({ commit: 'c1', expectedCommit: null }),
        );
        await expect(
          syncStateStore.applySync(
            sync({ commit: 'c0', expectedCommit: null }),
          ),
        ).rejects.toMatchObject({ name: 'ConflictError' });
        expect((await syncStateStore.getRepository('config'))?.lastCommit).toBe(
          'c1',
        );
      },
    );

    storeTest(
      'of two concurrent syncs from one commit, stores exactly one',
      async ({ syncStateStore }) => {
        await syncStateStore.applySync(
          sync({ commit: 'c1', expectedCommit: null }),
        );
        const results = await Promise.allSettled([
          syncStateStore.applySync(
            sync({
              commit: 'c2',
              expectedCommit: 'c1',
              releases: [release('dev', 'x', { commit: 'c2' })],
            }),
          ),
          syncStateStore.applySync(
            sync({
              commit: 'c3',
              expectedCommit: 'c1',
              releases: [release('dev', 'y', { commit: 'c3' })],
            }),
          ),
        ]);
        expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
        const winner = results[0].status === 'fulfilled' ? 'c2' : 'c3';
        expect((await syncStateStore.getRepository('config'))?.lastCommit).toBe(
          winner,
        );
        expect(
          (await syncStateStore.releasesFromPaths('config', 'all')).map(
            r => r.commit,
          ),
        ).toEqual([winner]);
      },
    );

    storeTest(
      'without expectedCommit stores as before',
      async ({ syncStateStore }) => {
        await syncStateStore.applySync(sync({ commit: 'c3' }));
        await syncStateStore.applySync(sync({ commit: 'c2' }));
        expect((await syncStateStore.getRepository('config'))?.lastCommit).toBe(
          'c2',
        );
      },
    );
  },
);

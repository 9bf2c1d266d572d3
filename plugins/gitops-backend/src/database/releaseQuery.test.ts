import path from 'node:path';
import { describeStores, release, sync } from './__testUtils__/storeFixtures';
import { ReleaseFilter, ReleaseMatch } from './SyncStateStore';

const match = (overrides: Partial<ReleaseMatch>): ReleaseMatch => ({
  chartNames: [],
  imageRepositories: [],
  labelSelectors: [],
  ...overrides,
});

/** Six releases over dev and prod, labelled by app and tier, one per chart or image. */
const fleet = () => [
  release('dev', 'api', { labels: { app: 'shop', tier: 'api' } }),
  release('dev', 'db', { labels: { app: 'shop', tier: 'db' } }),
  release('dev', 'web', { labels: { app: 'shop' } }),
  release('prod', 'api', { labels: { app: 'shop', tier: 'api' } }),
  release('prod', 'billing', {
    chartName: 'billing',
    labels: { app: 'billing' },
    images: [
      {
        container: 'billing',
        registry: 'ghcr.io',
        repository: 'org/billing',
        tag: '1',
        paths: { tag: 'image.tag' },
      },
    ],
  }),
  release('prod', 'worker', {
    chartName: 'worker',
    labels: { app: 'worker' },
    images: [],
  }),
];

const names = (records: Array<{ environment: string; name: string }>) =>
  records.map(r => `${r.environment}/${r.name}`);

describeStores('release reads in SQL', storeTest => {
  storeTest(
    'answers label selectors by the labels index, with != as absence',
    async ({ syncStateStore }) => {
      await syncStateStore.applySync(sync({ releases: fleet() }));
      const find = (labelSelectors: ReleaseMatch['labelSelectors']) =>
        syncStateStore.findReleases(match({ labelSelectors })).then(names);

      expect(await find([[{ key: 'app', op: '=', value: 'shop' }]])).toEqual([
        'dev/api',
        'dev/db',
        'dev/web',
        'prod/api',
      ]);
      // A release without the tier label differs from tier=db too.
      expect(
        await find([
          [
            { key: 'app', op: '=', value: 'shop' },
            { key: 'tier', op: '!=', value: 'db' },
          ],
        ]),
      ).toEqual(['dev/api', 'dev/web', 'prod/api']);
      // Any selector may match.
      expect(
        await find([
          [{ key: 'tier', op: '=', value: 'db' }],
          [{ key: 'app', op: '=', value: 'worker' }],
        ]),
      ).toEqual(['dev/db', 'prod/worker']);
      expect(await find([[{ key: 'app', op: '=', value: 'nothing' }]])).toEqual(
        [],
      );
      expect(await find([])).toEqual([]);
    },
  );

  storeTest(
    'unites chart names, images and selectors, each release once with its child rows',
    async ({ syncStateStore }) => {
      await syncStateStore.applySync(sync({ releases: fleet() }));
      const found = await syncStateStore.findReleases(
        match({
          chartNames: ['worker'],
          imageRepositories: ['org/billing'],
          imageNames: [{ host: 'ghcr.io', repository: 'org/billing' }],
          labelSelectors: [[{ key: 'tier', op: '=', value: 'api' }]],
        }),
      );
      expect(names(found)).toEqual([
        'dev/api',
        'prod/api',
        'prod/billing',
        'prod/worker',
      ]);
      expect(found.find(r => r.name === 'billing')).toEqual(fleet()[4]);
      // The same chart through two ways is one release.
      const twice = await syncStateStore.findReleases(
        match({
          chartNames: ['billing'],
          labelSelectors: [[{ key: 'app', op: '=', value: 'billing' }]],
        }),
      );
      expect(names(twice)).toEqual(['prod/billing']);
    },
  );

  storeTest(
    'keeps the labels index with the releases through syncs',
    async ({ knex, syncStateStore }) => {
      await syncStateStore.applySync(sync({ releases: fleet() }));
      await syncStateStore.applySync(
        sync({
          commit: 'c2',
          full: false,
          replacedPaths: ['releases/dev/web.yaml'],
          releases: [release('dev', 'web', { labels: { app: 'web' } })],
        }),
      );
      const shop = [[{ key: 'app', op: '=' as const, value: 'shop' }]];
      expect(
        names(
          await syncStateStore.findReleases(match({ labelSelectors: shop })),
        ),
      ).toEqual(['dev/api', 'dev/db', 'prod/api']);
      await syncStateStore.applySync(
        sync({ commit: 'c3', releases: [release('dev', 'web')] }),
      );
      // No row outlives its release.
      expect(
        await knex('gitops_release_labels').select('key', 'value'),
      ).toEqual([{ key: 'app', value: 'web' }]);
    },
  );

  storeTest(
    'narrows by each shape of permission criteria',
    async ({ syncStateStore, releaseOwnerStore }) => {
      await syncStateStore.replaceEnvironments(
        'config',
        ['dev', 'stg', 'prod'].map((name, order) => ({
          name,
          repository: 'config',
          path: `releases/${name}`,
          order,
        })),
      );
      await syncStateStore.applySync(sync({ releases: fleet() }));
      await releaseOwnerStore.replaceOwners(
        [],
        [
          {
            environment: 'dev',
            namespace: 'dev',
            name: 'api',
            entityRef: 'component:default/shop',
            owners: ['group:default/Shop-Team'],
          },
          {
            environment: 'prod',
            namespace: 'prod',
            name: 'api',
            entityRef: 'component:default/shop',
            owners: ['group:default/shop-team', 'user:default/ann'],
          },
          {
            environment: 'prod',
            namespace: 'prod',
            name: 'billing',
            entityRef: 'component:default/billing',
            owners: ['group:default/billing'],
          },
        ],
      );
      const everyShopRelease = match({
        chartNames: ['podinfo', 'billing', 'worker'],
      });
      const find = (filter: ReleaseFilter) =>
        syncStateStore.findReleases(everyShopRelease, filter).then(names);
      const where = (filter: ReleaseFilter) =>
        syncStateStore
          .releaseLocations(filter)
          .then(ls => ls.map(l => `${l.repository}/${l.environment}`));

      const inDev: ReleaseFilter = { property: 'environment', values: ['dev'] };
      // Claims compare without regard to case, as the rule's apply does.
      const shopTeam: ReleaseFilter = {
        property: 'owners',
        values: ['group:default/SHOP-team'],
      };
      expect(await find(inDev)).toEqual(['dev/api', 'dev/db', 'dev/web']);
      expect(await find(shopTeam)).toEqual(['dev/api', 'prod/api']);
      expect(await find({ allOf: [shopTeam, { not: inDev }] })).toEqual([
        'prod/api',
      ]);
      expect(
        await find({
          anyOf: [
            inDev,
            { property: 'owners', values: ['group:default/billing'] },
          ],
        }),
      ).toEqual(['dev/api', 'dev/db', 'dev/web', 'prod/billing']);
      expect(await find({ not: { anyOf: [inDev, shopTeam] } })).toEqual([
        'prod/billing',
        'prod/worker',
      ]);
      expect(await find({ anyOf: [] })).toEqual([]);
      expect(await find({ allOf: [] })).toHaveLength(6);
      expect(await find({ anyOf: [{ allOf: [] }, inDev] })).toHaveLength(6);
      expect(await find({ property: 'owners', values: [] })).toEqual([]);

      expect(await where(inDev)).toEqual(['config/dev']);
      expect(await where(shopTeam)).toEqual(['config/dev', 'config/prod']);
      expect(
        await where({ property: 'owners', values: ['user:default/nobody'] }),
      ).toEqual([]);
      expect(await syncStateStore.releaseLocations()).toEqual([
        { repository: 'config', environment: 'dev' },
        { repository: 'config', environment: 'prod' },
      ]);
    },
  );

  storeTest(
    'keeps owners by release key, replaced per release and forgotten with the release',
    async ({ knex, syncStateStore, releaseOwnerStore }) => {
      await syncStateStore.applySync(sync({ releases: fleet() }));
      const first = await releaseOwnerStore.releasesAfter(0, 4);
      expect(names(first)).toEqual([
        'dev/api',
        'dev/db',
        'dev/web',
        'prod/api',
      ]);
      expect(first[0]).toMatchObject({
        labels: { app: 'shop', tier: 'api' },
        annotations: {},
      });
      expect(
        names(await releaseOwnerStore.releasesAfter(first[3].id, 4)),
      ).toEqual(['prod/billing', 'prod/worker']);

      const devApi = { environment: 'dev', namespace: 'dev', name: 'api' };
      await releaseOwnerStore.replaceOwners(
        [],
        [
          {
            ...devApi,
            entityRef: 'component:default/shop',
            owners: ['group:default/a'],
          },
        ],
      );
      await releaseOwnerStore.replaceOwners(
        [devApi],
        [
          {
            ...devApi,
            entityRef: 'component:default/shop',
            owners: ['group:default/b'],
          },
        ],
      );
      expect(
        await knex('gitops_release_owners').select('name', 'owner'),
      ).toEqual([{ name: 'api', owner: 'group:default/b' }]);

      // A sync re-writing the release keeps its owners until the task looks again.
      await syncStateStore.applySync(
        sync({
          commit: 'c2',
          full: false,
          replacedPaths: ['releases/dev/api.yaml'],
          releases: [release('dev', 'api')],
        }),
      );
      const mine = { property: 'owners' as const, values: ['group:default/b'] };
      expect(
        names(
          await syncStateStore.findReleases(
            match({ chartNames: ['podinfo'] }),
            mine,
          ),
        ),
      ).toEqual(['dev/api']);
      // The re-written release reads as new to the task.
      expect(
        names(await releaseOwnerStore.releasesAfter(first[3].id, 10)),
      ).toContain('dev/api');

      await syncStateStore.applySync(
        sync({ commit: 'c3', releases: [release('dev', 'db')] }),
      );
      expect(await releaseOwnerStore.forgetRemovedReleases()).toBe(1);
      expect(await knex('gitops_release_owners')).toEqual([]);
      await releaseOwnerStore.replaceOwners(
        [{ environment: 'dev', namespace: 'dev', name: 'db' }],
        [],
      );
      expect(await knex('gitops_release_owners')).toEqual([]);
    },
  );

  storeTest(
    'backfills the labels index from the stored releases when migrating',
    async ({ knex, syncStateStore }) => {
      const directory = path.resolve(__dirname, '../../migrations');
      await syncStateStore.applySync(sync({ releases: fleet() }));
      await knex.migrate.down({
        directory,
        name: '20261202010000_release_owners.js',
      });
      await knex.migrate.down({
        directory,
        name: '20261202000000_release_labels.js',
      });
      expect(await knex.schema.hasTable('gitops_release_labels')).toBe(false);
      await knex('gitops_releases')
        .where({ environment: 'prod', name: 'worker' })
        .update({ labels: `{"app":"worker","long":"${'x'.repeat(400)}"}` });
      await knex.migrate.latest({ directory });
      const rows = await knex('gitops_release_labels')
        .count({ n: '*' })
        .first();
      // Every label of every release but the one too long to index.
      expect(Number(rows?.n)).toBe(
        fleet().reduce((n, r) => n + Object.keys(r.labels).length, 0),
      );
      expect(
        names(
          await syncStateStore.findReleases(
            match({
              labelSelectors: [[{ key: 'tier', op: '=', value: 'api' }]],
            }),
          ),
        ),
      ).toEqual(['dev/api', 'prod/api']);
    },
  );
});

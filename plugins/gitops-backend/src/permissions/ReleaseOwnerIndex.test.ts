import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import { storeFirstSync } from '../__testUtils__/releaseRecord';
import { GitopsStores } from '../database';
import { ReleaseOwnerIndex } from './ReleaseOwnerIndex';
import {
  billingComponent,
  claimingComponent,
  kubernetesIdSquatter,
  podinfoComponent,
  release,
  seedReleases,
} from './__testUtils__/testFixtures';

describe('ReleaseOwnerIndex', () => {
  let stores: GitopsStores & { knex: import('knex').Knex };
  let now: number;
  const MINUTE = 60_000;

  beforeEach(async () => {
    stores = await createMemoryStore();
    await seedReleases(stores.syncStateStore);
    now = 0;
  });
  afterEach(() => stores.knex.destroy());

  /** An index over a catalog holding `entities`, which a test may change. */
  function index(entities: Entity[]) {
    const catalogHolds = { entities };
    const catalog = {
      getEntitiesByRefs: (
        ...args: Parameters<CatalogService['getEntitiesByRefs']>
      ) => catalogServiceMock(catalogHolds).getEntitiesByRefs(...args),
      getEntities: (...args: Parameters<CatalogService['getEntities']>) =>
        catalogServiceMock(catalogHolds).getEntities(...args),
    } as CatalogService;
    const spies = {
      byRefs: jest.spyOn(catalog, 'getEntitiesByRefs'),
      query: jest.spyOn(catalog, 'getEntities'),
    };
    const ownerIndex = new ReleaseOwnerIndex({
      store: stores.releaseOwnerStore,
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      fullRefreshMs: 10 * MINUTE,
      now: () => now,
    });
    return { ownerIndex, spies, catalogHolds };
  }

  /** The releases an owner-only filter lets `claim` read, as the SQL path answers. */
  const readableBy = async (claim: string) =>
    (
      await stores.syncStateStore.findReleases(
        {
          chartNames: ['podinfo', 'billing'],
          imageRepositories: [],
          labelSelectors: [],
        },
        { property: 'owners', values: [claim] },
      )
    ).map(r => r.name);

  it('resolves links through the catalog in batches, by the repository word only', async () => {
    const { ownerIndex, spies } = index([
      podinfoComponent,
      billingComponent,
      claimingComponent,
    ]);
    expect(await ownerIndex.run()).toEqual({ full: true, releases: 3 });
    expect(await readableBy('group:default/podinfo-team')).toEqual([
      'podinfo-dev',
      'podinfo-prod',
    ]);
    expect(await readableBy('user:default/jane')).toEqual(['billing-dev']);
    // An entity's own annotations claim nothing.
    expect(await readableBy('group:default/mallory-team')).toEqual([]);
    // One catalog call per kind of link for the whole page.
    expect(spies.byRefs).toHaveBeenCalledTimes(1);
    expect(spies.query).toHaveBeenCalledTimes(1);
    expect(
      await stores
        .knex('gitops_release_owners')
        .distinct('entity_ref')
        .orderBy('entity_ref'),
    ).toEqual([
      { entity_ref: 'component:default/billing' },
      { entity_ref: 'component:default/podinfo' },
    ]);
  });

  it('leaves a kubernetes-id claimed twice without owners', async () => {
    const { ownerIndex } = index([
      podinfoComponent,
      billingComponent,
      kubernetesIdSquatter,
    ]);
    await ownerIndex.run();
    expect(await readableBy('user:default/jane')).toEqual([]);
    expect(await readableBy('group:default/mallory-team')).toEqual([]);
  });

  it('resolves only new releases between full refreshes, and every link again when one is due', async () => {
    const {
      ownerIndex: later,
      spies,
      catalogHolds,
    } = index([podinfoComponent, billingComponent]);
    await later.run();
    spies.byRefs.mockClear();
    // podinfo changes hands in the catalog, and a sync adds a release.
    const handedOver = {
      ...podinfoComponent,
      spec: { ...podinfoComponent.spec, owner: 'group:default/new-team' },
    };
    catalogHolds.entities = [handedOver, billingComponent];
    await stores.syncStateStore.applySync({
      repositoryId: 'config',
      commit: 'c2',
      syncedAt: new Date('2026-11-25T11:00:00Z'),
      full: false,
      replacedPaths: ['releases/stg/podinfo.yaml'],
      releases: [release('stg', 'podinfo')],
      problems: [],
      events: [],
    });
    now = 1 * MINUTE;
    expect(await later.run()).toEqual({ full: false, releases: 1 });
    expect(spies.byRefs).toHaveBeenCalledWith(
      expect.objectContaining({ entityRefs: ['component:default/podinfo'] }),
      expect.anything(),
    );
    // Only the new release knows the new owner yet: the staleness the docs tell.
    expect(await readableBy('group:default/new-team')).toEqual(['podinfo-stg']);
    expect(await readableBy('group:default/podinfo-team')).toEqual([
      'podinfo-dev',
      'podinfo-prod',
    ]);
    expect(await later.run()).toEqual({ full: false, releases: 0 });

    now = 11 * MINUTE;
    expect(await later.run()).toEqual({ full: true, releases: 4 });
    expect(await readableBy('group:default/new-team')).toEqual([
      'podinfo-dev',
      'podinfo-prod',
      'podinfo-stg',
    ]);
    expect(await readableBy('group:default/podinfo-team')).toEqual([]);
  });

  it('forgets the owners of removed releases on a full refresh', async () => {
    const { ownerIndex } = index([podinfoComponent, billingComponent]);
    await ownerIndex.run();
    await storeFirstSync(stores.syncStateStore, [release('dev', 'billing')]);
    now = 20 * MINUTE;
    await ownerIndex.run();
    expect(await stores.knex('gitops_release_owners').distinct('name')).toEqual(
      [{ name: 'billing-dev' }],
    );
  });
});

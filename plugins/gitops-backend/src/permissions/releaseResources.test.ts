import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import { SyncStateStore } from '../database/SyncStateStore';
import { createReleaseResourceLoader, ownersOf } from './releaseResources';
import {
  billingComponent,
  claimingComponent,
  kubernetesIdSquatter,
  podinfoComponent,
  release,
  seedReleases,
  unrelatedComponent,
} from './__testUtils__/testFixtures';

describe('ownersOf', () => {
  const entity = (spec: object, extra: Partial<Entity> = {}): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'x', namespace: 'payments' },
    spec,
    ...extra,
  });

  it('reads spec.owner as a group in the entity namespace unless it says otherwise', () => {
    expect(ownersOf(entity({ owner: 'team' }))).toEqual([
      'group:payments/team',
    ]);
    expect(ownersOf(entity({ owner: 'user:jane' }))).toEqual([
      'user:payments/jane',
    ]);
    expect(ownersOf(entity({ owner: 'group:default/ops' }))).toEqual([
      'group:default/ops',
    ]);
  });

  it('adds ownedBy relations, once per owner, and ignores other relations', () => {
    expect(
      ownersOf(
        entity(
          { owner: 'team' },
          {
            relations: [
              { type: 'ownedBy', targetRef: 'group:payments/team' },
              { type: 'ownedBy', targetRef: 'user:default/jane' },
              { type: 'partOf', targetRef: 'system:default/shop' },
            ],
          },
        ),
      ),
    ).toEqual(['group:payments/team', 'user:default/jane']);
  });

  it('is empty without an owner, and skips an owner that is no ref', () => {
    expect(ownersOf(entity({}))).toEqual([]);
    expect(ownersOf(entity({ owner: 'group:' }))).toEqual([]);
  });
});

describe('createReleaseResourceLoader', () => {
  let knex: Knex;
  let syncStateStore: SyncStateStore;
  const catalog = catalogServiceMock({
    entities: [podinfoComponent, billingComponent, unrelatedComponent],
  });
  const auth = mockServices.auth();

  beforeEach(async () => {
    ({ knex, syncStateStore } = await createMemoryStore());
    await seedReleases(syncStateStore);
  });
  afterEach(() => knex.destroy());

  const load = (...refs: string[]) =>
    createReleaseResourceLoader({ syncStateStore, catalog, auth })(refs);

  it('loads an unknown release or a malformed ref as undefined', async () => {
    expect(
      await load(
        'stg/stg/podinfo-stg@component:default/podinfo',
        'dev/dev/nothing',
        'not-a-release',
      ),
    ).toEqual([undefined, undefined, undefined]);
  });

  it('resolves the owners of the entity the release belongs to', async () => {
    expect(
      await load(
        'prod/prod/podinfo-prod@component:default/podinfo',
        'dev/dev/billing-dev@component:default/billing',
      ),
    ).toEqual([
      {
        environment: 'prod',
        namespace: 'prod',
        name: 'podinfo-prod',
        entityRef: 'component:default/podinfo',
        owners: ['group:default/podinfo-team'],
      },
      {
        environment: 'dev',
        namespace: 'dev',
        name: 'billing-dev',
        entityRef: 'component:default/billing',
        owners: ['group:default/billing-team', 'user:default/jane'],
      },
    ]);
  });

  it('takes the owners from the release, whatever entity the request names', async () => {
    const loaded = await load(
      'dev/dev/podinfo-dev',
      'dev/dev/podinfo-dev@component:default/docs',
      'dev/dev/podinfo-dev@component:default/ghost',
      'dev/dev/podinfo-dev@ghost',
    );
    for (const resource of loaded) {
      expect(resource).toEqual({
        environment: 'dev',
        namespace: 'dev',
        name: 'podinfo-dev',
        entityRef: 'component:default/podinfo',
        owners: ['group:default/podinfo-team'],
      });
    }
  });

  it('grants nothing to an entity whose own annotations select the release', async () => {
    // tools selects billing's and podinfo's releases by chart, image and
    // label: enough to show them on its page, never to own them.
    const withClaim = createReleaseResourceLoader({
      syncStateStore,
      catalog: catalogServiceMock({
        entities: [podinfoComponent, billingComponent, claimingComponent],
      }),
      auth,
    });
    const [billing, podinfo] = await withClaim([
      'dev/dev/billing-dev@component:default/tools',
      'prod/prod/podinfo-prod@component:default/tools',
    ]);
    expect(billing).toMatchObject({
      entityRef: 'component:default/billing',
      owners: ['group:default/billing-team', 'user:default/jane'],
    });
    expect(podinfo).toMatchObject({
      entityRef: 'component:default/podinfo',
      owners: ['group:default/podinfo-team'],
    });
  });

  it('links a kubernetes-id only while exactly one entity claims it', async () => {
    const squatted = createReleaseResourceLoader({
      syncStateStore,
      catalog: catalogServiceMock({
        entities: [billingComponent, kubernetesIdSquatter],
      }),
      auth,
    });
    expect(await squatted(['dev/dev/billing-dev'])).toEqual([
      { environment: 'dev', namespace: 'dev', name: 'billing-dev', owners: [] },
    ]);
    const unclaimed = createReleaseResourceLoader({
      syncStateStore,
      catalog: catalogServiceMock({ entities: [podinfoComponent] }),
      auth,
    });
    expect((await unclaimed(['dev/dev/billing-dev']))[0]?.owners).toEqual([]);
  });

  it('has no owners for a release naming an entity the catalog lacks, or none that parses', async () => {
    const named = (name: string, entity: string) => ({
      ...release('dev', name),
      annotations: { 'gitops.backstage.io/entity': entity },
      // The label must not stand in for a name that does not resolve.
      labels: { 'backstage.io/kubernetes-id': 'billing' },
    });
    await syncStateStore.applySync({
      repositoryId: 'config',
      commit: 'c0ffee',
      syncedAt: new Date('2026-11-25T11:00:00Z'),
      full: false,
      replacedPaths: ['releases/dev/ghost.yaml', 'releases/dev/bad.yaml'],
      releases: [
        named('ghost', 'component:default/ghost'),
        named('bad', 'component:'),
      ],
      problems: [],
      events: [],
    });
    const [ghost, bad] = await load('dev/dev/ghost-dev', 'dev/dev/bad-dev');
    expect(ghost?.owners).toEqual([]);
    expect(bad?.owners).toEqual([]);
  });

  it('asks the catalog once for named entities and once for kubernetes-ids, with its own credentials', async () => {
    const byRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
    const byFilter = jest.spyOn(catalog, 'getEntities');
    await load(
      'dev/dev/podinfo-dev@component:default/podinfo',
      'prod/prod/podinfo-prod',
      'dev/dev/billing-dev',
    );
    expect(byRefs).toHaveBeenCalledTimes(1);
    expect(byRefs.mock.calls[0][0].entityRefs).toEqual([
      'component:default/podinfo',
    ]);
    expect(byFilter).toHaveBeenCalledTimes(1);
    expect(byFilter.mock.calls[0][0]?.filter).toEqual({
      'metadata.annotations.backstage.io/kubernetes-id': ['billing'],
    });
    for (const call of [byRefs.mock.calls[0], byFilter.mock.calls[0]]) {
      expect(call[1]).toMatchObject({
        credentials: { principal: { type: 'service' } },
      });
    }
    byRefs.mockRestore();
    byFilter.mockRestore();
  });
});

import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import { DatabaseGitopsStore } from '../database/DatabaseGitopsStore';
import { createReleaseResourceLoader, ownersOf } from './releaseResources';
import {
  billingComponent,
  podinfoComponent,
  seedReleases,
  unrelatedComponent,
} from './testFixtures';

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
  let store: DatabaseGitopsStore;
  const catalog = catalogServiceMock({
    entities: [podinfoComponent, billingComponent, unrelatedComponent],
  });
  const auth = mockServices.auth();

  beforeEach(async () => {
    ({ knex, store } = await createMemoryStore());
    await seedReleases(store);
  });
  afterEach(() => knex.destroy());

  const load = (...refs: string[]) =>
    createReleaseResourceLoader({ store, catalog, auth })(refs);

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

  it('has no owners without an entity or for an entity the catalog lacks', async () => {
    const [bare, unknown, malformed] = await load(
      'dev/dev/podinfo-dev',
      'dev/dev/podinfo-dev@component:default/ghost',
      'dev/dev/podinfo-dev@ghost',
    );
    expect(bare).toEqual({
      environment: 'dev',
      namespace: 'dev',
      name: 'podinfo-dev',
      owners: [],
    });
    expect(unknown?.owners).toEqual([]);
    expect(malformed?.owners).toEqual([]);
  });

  it('does not lend an entity owners to a release the entity does not select', async () => {
    const [borrowed, other] = await load(
      'dev/dev/podinfo-dev@component:default/docs',
      'dev/dev/podinfo-dev@component:default/billing',
    );
    expect(borrowed?.owners).toEqual([]);
    expect(other?.owners).toEqual([]);
  });

  it('asks the catalog once per entity, with its own service credentials', async () => {
    const spy = jest.spyOn(catalog, 'getEntitiesByRefs');
    await load(
      'dev/dev/podinfo-dev@component:default/podinfo',
      'prod/prod/podinfo-prod@component:default/podinfo',
    );
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0][0].entityRefs).toEqual([
      'component:default/podinfo',
    ]);
    expect(spy.mock.calls[0][1]).toMatchObject({
      credentials: { principal: { type: 'service' } },
    });
    spy.mockRestore();
  });
});

import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { RESOURCE_TYPE_GITOPS_RELEASE } from '@backstage-gitops/plugin-gitops-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import request from 'supertest';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import { gitopsPlugin } from '../plugin';
import { gitopsReleaseConditions } from './conditions';
import {
  billingComponent,
  claimingComponent,
  podinfoComponent,
  seedReleases,
} from './__testUtils__/testFixtures';

const applyConditions =
  '/api/gitops/.well-known/backstage/permissions/apply-conditions';

describe('the release resource type, as the permission framework uses it', () => {
  let knex: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    const memory = await createMemoryStore();
    knex = memory.knex;
    await seedReleases(memory.syncStateStore);
    backend = await startTestBackend({
      features: [
        gitopsPlugin,
        catalogServiceMock.factory({
          entities: [podinfoComponent, billingComponent, claimingComponent],
        }),
        mockServices.database.factory({ knex }),
      ],
    });
  });
  afterAll(async () => {
    await backend.stop();
    await knex.destroy();
  });

  function apply(
    resourceRef: string | string[],
    conditions: object,
  ): Promise<request.Response> {
    return request(backend.server)
      .post(applyConditions)
      .set('authorization', mockCredentials.service.header())
      .send({
        items: [
          {
            id: '1',
            resourceType: RESOURCE_TYPE_GITOPS_RELEASE,
            resourceRef,
            conditions,
          },
        ],
      });
  }

  it('publishes the permissions and rules', async () => {
    const res = await request(backend.server)
      .get('/api/gitops/.well-known/backstage/permissions/metadata')
      .set('authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    expect(
      res.body.permissions.map((p: { name: string }) => p.name).sort(),
    ).toEqual([
      'gitops.diagnostics.read',
      'gitops.environment.prune.confirm',
      'gitops.release.automation.update',
      'gitops.release.promote',
      'gitops.release.read',
      'gitops.release.reconcile',
      'gitops.sync',
    ]);
    expect(res.body.rules).toEqual([
      expect.objectContaining({
        name: 'IS_IN_ENVIRONMENT',
        resourceType: RESOURCE_TYPE_GITOPS_RELEASE,
        paramsSchema: expect.objectContaining({ required: ['environments'] }),
      }),
      expect.objectContaining({
        name: 'IS_ENTITY_OWNER',
        resourceType: RESOURCE_TYPE_GITOPS_RELEASE,
        paramsSchema: expect.objectContaining({ required: ['claims'] }),
      }),
    ]);
  });

  it('allows the owner of the entity and denies anyone else', async () => {
    const ref = 'prod/prod/podinfo-prod@component:default/podinfo';
    const owner = await apply(
      ref,
      gitopsReleaseConditions.isEntityOwner({
        claims: ['user:default/guest', 'group:default/podinfo-team'],
      }),
    );
    expect(owner.status).toBe(200);
    expect(owner.body).toEqual({ items: [{ id: '1', result: 'ALLOW' }] });

    const stranger = await apply(
      ref,
      gitopsReleaseConditions.isEntityOwner({
        claims: ['user:default/mallory'],
      }),
    );
    expect(stranger.body).toEqual({ items: [{ id: '1', result: 'DENY' }] });
  });

  it('denies the owners of an entity that selects the release by its own annotations', async () => {
    // The tools component selects podinfo's and billing's releases; its
    // team asks from its page. The config repository names other owners.
    const res = await apply(
      [
        'prod/prod/podinfo-prod@component:default/tools',
        'dev/dev/billing-dev@component:default/tools',
      ],
      gitopsReleaseConditions.isEntityOwner({
        claims: ['user:default/mallory', 'group:default/mallory-team'],
      }),
    );
    expect(res.body).toEqual({
      items: [{ id: '1', result: ['DENY', 'DENY'] }],
    });
  });

  it('combines rules, per release, and denies a release it cannot find', async () => {
    // Owners everywhere but prod, as an adopter might write it.
    const conditions = {
      allOf: [
        gitopsReleaseConditions.isEntityOwner({
          claims: ['group:default/podinfo-team'],
        }),
        {
          not: gitopsReleaseConditions.isInEnvironment({
            environments: ['prod'],
          }),
        },
      ],
    };
    const res = await apply(
      [
        'dev/dev/podinfo-dev@component:default/podinfo',
        'prod/prod/podinfo-prod@component:default/podinfo',
        'dev/dev/billing-dev@component:default/podinfo',
        'stg/stg/podinfo-stg@component:default/podinfo',
      ],
      conditions,
    );
    expect(res.body).toEqual({
      items: [{ id: '1', result: ['ALLOW', 'DENY', 'DENY', 'DENY'] }],
    });
  });

  it('refuses malformed rule parameters', async () => {
    const res = await apply('dev/dev/podinfo-dev@component:default/podinfo', {
      rule: 'IS_ENTITY_OWNER',
      resourceType: RESOURCE_TYPE_GITOPS_RELEASE,
      params: { claims: 'group:default/podinfo-team' },
    });
    expect(res.status).toBe(400);
  });

  it('answers the permission backend only, not users', async () => {
    const res = await request(backend.server)
      .post(applyConditions)
      .set('authorization', mockCredentials.user.header())
      .send({ items: [] });
    expect(res.status).toBe(403);
  });
});

import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
  QueryPermissionRequest,
} from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import {
  PruneConfirmations,
  ReconcileRequests,
  ReleaseLocks,
  ReleasePromotions,
  RepositoryWriter,
  TagDigests,
} from '../actions';
import {
  ActionsFixture,
  createActionsFixture,
} from '../actions/__testUtils__/actionsFixture';
import { createGitopsStores, GitopsStores } from '../database/gitopsStores';
import { ReleaseRecord } from '../database/SyncStateStore';
import { chartRelease, storeFirstSync } from '../__testUtils__/releaseRecord';
import { SyncTrigger } from '../sync/SyncScheduler';
import { ClusterRequestError } from '../cluster/ClusterRequestError';
import { ActionPrincipals } from '../permissions/ActionPrincipals';
import { createReleaseResourceLoader } from '../permissions/releaseResources';
import { isEntityOwner } from '../permissions/rules';
import { ReleaseOwnerIndex } from '../permissions/ReleaseOwnerIndex';
import {
  createGitopsReleaseConditionalDecision,
  gitopsReleaseConditions,
} from '../permissions/conditions';
import { gitopsReadPermission } from '@backstage-gitops/plugin-gitops-common';
import { ReleaseService } from './ReleaseService';
import { createRouter } from './router';

const podinfo = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'podinfo',
    namespace: 'default',
    annotations: { 'gitops.backstage.io/helm-chart': 'podinfo' },
  },
  spec: { type: 'service', owner: 'team', lifecycle: 'production' },
};

/** A permission service that answers `result` and keeps what it was asked. */
function recordingPermissions(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) {
  const asked: Array<{ permission: string; resourceRef?: string }> = [];
  const service = {
    async authorize(requests: AuthorizePermissionRequest[]) {
      for (const r of requests) {
        asked.push({
          permission: r.permission.name,
          resourceRef: 'resourceRef' in r ? r.resourceRef : undefined,
        });
      }
      return requests.map(() => ({ result }));
    },
    async authorizeConditional() {
      throw new Error('not used');
    },
  } as unknown as PermissionsService;
  return { service, asked };
}

/**
 * Decides each request by its permission name and resourceRef; lists ask
 * for a conditional read decision, which allows the environments of
 * `readEnvironments` when given, else all or nothing as `allow` says.
 */
function decidingPermissions(
  allow: (permission: string, resourceRef?: string) => boolean,
  readEnvironments?: string[],
) {
  return {
    async authorizeConditional(requests: QueryPermissionRequest[]) {
      return requests.map(r => {
        if (readEnvironments) {
          return createGitopsReleaseConditionalDecision(
            gitopsReadPermission,
            gitopsReleaseConditions.isInEnvironment({
              environments: readEnvironments,
            }),
          );
        }
        return {
          result: allow(r.permission.name)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        };
      });
    },
    async authorize(requests: AuthorizePermissionRequest[]) {
      return requests.map(r => ({
        result: allow(
          r.permission.name,
          'resourceRef' in r ? String(r.resourceRef) : undefined,
        )
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      }));
    },
  } as unknown as PermissionsService;
}

const auditor = mockServices.auditor.mock();
const auditEvent = { success: jest.fn(), fail: jest.fn() };

async function routerApp(options: {
  stores: Pick<
    GitopsStores,
    'syncStateStore' | 'clusterStateStore' | 'eventStore'
  > &
    Partial<Pick<GitopsStores, 'readVersionStore'>>;
  permissions: PermissionsService;
  sync?: SyncTrigger;
  reconcileRequests?: ReconcileRequests;
  pruneConfirmations?: PruneConfirmations;
  promotions?: ReleasePromotions;
  locks?: ReleaseLocks;
  allowedServices?: string[];
}) {
  const unused = () => {
    throw new Error('no repository in this test');
  };
  const { syncStateStore, clusterStateStore, eventStore } = options.stores;
  const router = await createRouter({
    eventStore,
    releases: new ReleaseService({
      syncStateStore,
      clusterStateStore,
      eventStore,
      catalog: catalogServiceMock({ entities: [podinfo] }),
      permissions: options.permissions,
      automationOf: () => 'flux',
      readVersionStore: options.stores.readVersionStore,
    }),
    sync: options.sync ?? { trigger: async () => [] },
    reconcileRequests: options.reconcileRequests ?? ({} as ReconcileRequests),
    pruneConfirmations:
      options.pruneConfirmations ?? ({} as PruneConfirmations),
    promotions:
      options.promotions ??
      new ReleasePromotions({
        syncStateStore,
        eventStore,
        writers: unused,
        registry: {} as TagDigests,
      }),
    locks:
      options.locks ??
      new ReleaseLocks({ syncStateStore, eventStore, writers: unused }),
    actionPrincipals: new ActionPrincipals(
      mockServices.auth(),
      options.allowedServices ?? [],
    ),
    httpAuth: mockServices.httpAuth({ pluginId: 'gitops' }),
    auth: mockServices.auth({ pluginId: 'gitops' }),
    permissions: options.permissions,
    auditor,
  });
  const middleware = MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger: mockServices.logger.mock(),
  });
  return express().use(router).use(middleware.error());
}

/** A request to the router with a caller's credentials: the test user's unless another header is given. */
function requestAs(
  server: express.Express,
  authorization: string = mockCredentials.user.header(),
) {
  return {
    get: (path: string) =>
      request(server).get(path).set('authorization', authorization),
    post: (path: string) =>
      request(server).post(path).set('authorization', authorization),
  };
}

/** An automated release whose one image follows `tag`. */
function release(
  environment: string,
  chartName: string,
  tag: string,
): ReleaseRecord {
  return chartRelease(environment, chartName, {
    annotations: { 'fluxcd.io/automated': 'true' },
    automated: true,
    images: [
      {
        container: 'chart-image',
        repository: `org/${chartName}`,
        tag,
        policy: 'glob:*',
        paths: { repository: 'image.repository', tag: 'image.tag' },
      },
    ],
    spec: { values: { image: { tag } } },
  });
}

describe('createRouter', () => {
  let knex: Knex;
  let stores: GitopsStores;
  const trigger: jest.Mocked<SyncTrigger> = { trigger: jest.fn() };
  const clusterApi = {
    listHelmReleases: jest.fn(),
    listFluxObjects: jest.fn(),
    listHelmSecrets: jest.fn(),
    apply: jest.fn(),
    read: jest.fn(),
    remove: jest.fn(),
    requestReconcile: jest.fn(),
  };
  const reconcileTrigger = {
    clusterApi: jest.fn(() => clusterApi),
    trigger: jest.fn(),
  };
  async function app(
    permission:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
    permissions: PermissionsService = mockServices.permissions({
      result: permission,
    }),
  ) {
    return routerApp({
      stores,
      permissions,
      sync: trigger,
      reconcileRequests: new ReconcileRequests({
        syncStateStore: stores.syncStateStore,
        eventStore: stores.eventStore,
        reconcile: reconcileTrigger,
        logger: mockServices.logger.mock(),
      }),
      pruneConfirmations: new PruneConfirmations({
        syncStateStore: stores.syncStateStore,
        clusterStateStore: stores.clusterStateStore,
        eventStore: stores.eventStore,
        reconcile: reconcileTrigger,
        logger: mockServices.logger.mock(),
      }),
    });
  }

  beforeEach(async () => {
    jest.clearAllMocks();
    auditor.createEvent.mockResolvedValue(auditEvent);
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    stores = await createGitopsStores({
      database: mockServices.database({ knex }),
    });
    await stores.syncStateStore.ensureRepository({
      id: 'config',
      url: 'file:///c.git',
      branch: 'main',
    });
    await stores.syncStateStore.replaceEnvironments('config', [
      {
        name: 'dev',
        repository: 'config',
        path: 'releases/dev',
        cluster: 'demo',
        order: 1,
      },
      { name: 'prod', repository: 'config', path: 'releases/prod', order: 2 },
    ]);
    await storeFirstSync(
      stores.syncStateStore,
      [
        release('dev', 'podinfo', 'dev-abc'),
        release('prod', 'podinfo', '0.4.10'),
        release('dev', 'other', '1.0.0'),
      ],
      {
        problems: [
          {
            environment: 'dev',
            path: 'releases/dev/broken.yaml',
            line: 3,
            message: 'bad indentation',
          },
          {
            environment: 'stg',
            path: 'releases/stg/x.yaml',
            line: 1,
            message: 'elsewhere',
          },
        ],
        events: [
          {
            type: 'release-updated',
            repository: 'config',
            environment: 'dev',
            namespace: 'dev',
            name: 'podinfo-dev',
            commit: 'c0ffee',
            author: 'ci',
            message: 'bump',
            at: new Date('2026-11-25T10:00:00Z'),
          },
          {
            type: 'release-updated',
            repository: 'config',
            environment: 'dev',
            namespace: 'dev',
            name: 'other-dev',
            commit: 'c0ffee',
            at: new Date('2026-11-25T10:00:00Z'),
          },
        ],
      },
    );
  });

  afterEach(async () => {
    await knex.destroy();
  });

  it('answers the health check without credentials', async () => {
    const response = await request(await app()).get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('serves the stored environments to a signed-in user only', async () => {
    const server = await app();
    const ok = await requestAs(server).get('/environments');
    expect(ok.body.items.map((e: { name: string }) => e.name)).toEqual([
      'dev',
      'prod',
    ]);
    const anonymous = await requestAs(
      server,
      mockCredentials.none.header(),
    ).get('/environments');
    expect(anonymous.status).toBe(401);
  });

  it('lists the releases of an entity with the problems of their environments', async () => {
    const response = await requestAs(await app())
      .get('/releases')
      .query({ entityRef: 'component:default/podinfo' });
    expect(response.status).toBe(200);
    expect(
      response.body.items.map(
        (r: any) => `${r.environment}:${r.images[0].tag}`,
      ),
    ).toEqual(['dev:dev-abc', 'prod:0.4.10']);
    // value paths are internal to automation
    expect(response.body.items[0].images[0].paths).toBeUndefined();
    expect(response.body.problems).toEqual([
      expect.objectContaining({
        path: 'releases/dev/broken.yaml',
        line: 3,
        message: 'bad indentation',
      }),
    ]);
  });

  it('marks a release kept from a broken file, and shows its problem to the entity', async () => {
    const sourcePath = (await stores.syncStateStore.getRelease({
      environment: 'prod',
      namespace: 'prod',
      name: 'podinfo-prod',
    }))!.sourcePath;
    await stores.syncStateStore.applySync({
      repositoryId: 'config',
      commit: 'bad1dea',
      syncedAt: new Date('2026-11-25T11:00:00Z'),
      full: false,
      replacedPaths: [],
      keptPaths: [sourcePath],
      releases: [],
      // Filed without an environment: it still reaches the release from that file.
      problems: [
        {
          path: sourcePath,
          line: 11,
          message: 'Map keys must be unique',
          blocking: true,
        },
      ],
      events: [],
    });
    const server = await app();
    const list = await requestAs(server)
      .get('/releases')
      .query({ entityRef: 'component:default/podinfo' });
    const sourceProblem = {
      path: sourcePath,
      line: 11,
      message: 'Map keys must be unique',
      commit: 'bad1dea',
      since: '2026-11-25T11:00:00.000Z',
    };
    expect(
      list.body.items.map((r: any) => [
        r.environment,
        r.images[0].tag,
        r.sourceProblem,
      ]),
    ).toEqual([
      ['dev', 'dev-abc', undefined],
      ['prod', '0.4.10', sourceProblem],
    ]);
    expect(list.body.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: sourcePath,
          commit: 'bad1dea',
          source: 'git',
        }),
      ]),
    );
    const one = await requestAs(server).get('/releases/prod/prod/podinfo-prod');
    expect(one.body.sourceProblem).toEqual(sourceProblem);
  });

  it('answers 404 for an entity the catalog does not know and 400 without entityRef', async () => {
    const server = await app();
    const missing = await requestAs(server)
      .get('/releases')
      .query({ entityRef: 'component:default/nope' });
    expect(missing.status).toBe(404);
    const bad = await requestAs(server).get('/releases');
    expect(bad.status).toBe(400);
  });

  it('serves an owner-only policy exactly the releases whose entity it owns, answered in SQL', async () => {
    const tools = {
      ...podinfo,
      metadata: { ...podinfo.metadata, name: 'tools' },
      spec: { ...podinfo.spec, owner: 'group:default/mallory-team' },
    };
    const linked = (environment: string, name: string, entityRef: string) =>
      chartRelease(environment, 'podinfo', {
        name,
        sourcePath: `releases/${environment}/${name}.yaml`,
        annotations: { 'gitops.backstage.io/entity': entityRef },
      });
    await stores.syncStateStore.applySync({
      repositoryId: 'config',
      commit: 'c2',
      syncedAt: new Date('2026-11-25T11:00:00Z'),
      full: false,
      replacedPaths: ['releases/dev/owned.yaml', 'releases/prod/theirs.yaml'],
      releases: [
        linked('dev', 'owned', 'component:default/podinfo'),
        linked('prod', 'theirs', 'tools'),
      ],
      problems: [],
      events: [],
    });
    const catalog = catalogServiceMock({ entities: [podinfo, tools] });
    await new ReleaseOwnerIndex({
      store: stores.releaseOwnerStore,
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      fullRefreshMs: 60_000,
    }).run();
    const memberships: Record<string, string[]> = {
      'user:default/alice': ['user:default/alice', 'group:default/team'],
      'user:default/mallory': [
        'user:default/mallory',
        'group:default/mallory-team',
      ],
      'user:default/nobody': ['user:default/nobody'],
    };
    const claimsOf = (credentials: { principal: { userEntityRef: string } }) =>
      memberships[credentials.principal.userEntityRef] ?? [];
    const load = createReleaseResourceLoader({
      syncStateStore: stores.syncStateStore,
      catalog,
      auth: mockServices.auth(),
    });
    const ownerPolicy = {
      async authorizeConditional(
        requests: QueryPermissionRequest[],
        { credentials }: any,
      ) {
        return requests.map(() =>
          createGitopsReleaseConditionalDecision(
            gitopsReadPermission,
            gitopsReleaseConditions.isEntityOwner({
              claims: claimsOf(credentials),
            }),
          ),
        );
      },
      async authorize(
        requests: AuthorizePermissionRequest[],
        { credentials }: any,
      ) {
        const resources = await load(
          requests.map(r => ('resourceRef' in r ? String(r.resourceRef) : '')),
        );
        return requests.map((r, i) => ({
          result:
            !('resourceRef' in r) ||
            (resources[i] &&
              isEntityOwner.apply(resources[i]!, {
                claims: claimsOf(credentials),
              }))
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        }));
      },
    } as unknown as PermissionsService;
    const server = await app(AuthorizeResult.ALLOW, ownerPolicy);
    const every = [
      'dev/podinfo-dev',
      'prod/podinfo-prod',
      'dev/owned',
      'prod/theirs',
    ];
    for (const user of Object.keys(memberships)) {
      const as = requestAs(server, mockCredentials.user.header(user));
      const list = await as
        .get('/releases')
        .query({ entityRef: 'component:default/podinfo' });
      const seen = list.body.items.map(
        (r: { environment: string; name: string }) =>
          `${r.environment}/${r.name}`,
      );
      // What the framework would decide release by release, loading each one.
      const allowed: string[] = [];
      for (const key of every) {
        const [environment, name] = key.split('/');
        const one = await as.get(
          `/releases/${environment}/${environment}/${name}`,
        );
        if (one.status === 200) allowed.push(key);
      }
      expect(seen.sort()).toEqual(allowed.sort());
      const environments = await as.get('/environments');
      expect({
        user,
        seen,
        environments: environments.body.items.map(
          (e: { name: string }) => e.name,
        ),
      }).toEqual(
        {
          'user:default/alice': {
            user,
            seen: ['dev/owned'],
            environments: ['dev'],
          },
          'user:default/mallory': {
            user,
            seen: ['prod/theirs'],
            environments: ['prod'],
          },
          'user:default/nobody': { user, seen: [], environments: [] },
        }[user],
      );
    }
    // Three callers, a dozen requests: slow on a busy machine.
  }, 30_000);

  it('answers a revalidation 304 without the catalog or the list, and 200 with a new ETag once something changed', async () => {
    const catalog = catalogServiceMock({ entities: [podinfo] });
    const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
    const service = new ReleaseService({
      ...stores,
      catalog,
      permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    });
    const listReleases = jest.spyOn(service, 'listReleases');
    const listEnvironments = jest.spyOn(service, 'listEnvironments');
    const server = express().use(
      await createRouter({
        ...({} as Parameters<typeof createRouter>[0]),
        eventStore: stores.eventStore,
        releases: service,
        httpAuth: mockServices.httpAuth({ pluginId: 'gitops' }),
      }),
    );
    const entity = { entityRef: 'component:default/podinfo' };
    const first = await requestAs(server).get('/releases').query(entity);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const tag = first.headers.etag;
    expect(tag).toMatch(/^"[\w-]+"$/);

    const again = await requestAs(server)
      .get('/releases')
      .query(entity)
      .set('if-none-match', tag);
    expect(again.status).toBe(304);
    expect(getEntityByRef).toHaveBeenCalledTimes(1);
    expect(listReleases).toHaveBeenCalledTimes(1);
    // A page view without the tag gets the answer kept under it, unread.
    const kept = await requestAs(server).get('/releases').query(entity);
    expect(kept.status).toBe(200);
    expect(kept.headers.etag).toBe(tag);
    expect(kept.body).toEqual(first.body);
    expect(listReleases).toHaveBeenCalledTimes(1);

    const environments = await requestAs(server).get('/environments');
    const environmentsAgain = await requestAs(server)
      .get('/environments')
      .set('if-none-match', environments.headers.etag);
    expect(environmentsAgain.status).toBe(304);
    expect(listEnvironments).toHaveBeenCalledTimes(1);

    // A sync changes a release: the tag moves and the list is read again.
    await stores.syncStateStore.applySync({
      repositoryId: 'config',
      commit: 'c2',
      syncedAt: new Date('2026-11-25T11:00:00Z'),
      full: false,
      replacedPaths: ['releases/dev/podinfo.yaml'],
      releases: [release('dev', 'podinfo', 'dev-def')],
      problems: [],
      events: [],
    });
    const changed = await requestAs(server)
      .get('/releases')
      .query(entity)
      .set('if-none-match', tag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(tag);
    expect(
      changed.body.items.find(
        (r: { environment: string }) => r.environment === 'dev',
      ).images[0].tag,
    ).toBe('dev-def');
    expect(listReleases).toHaveBeenCalledTimes(2);
    // So does a cluster's status, and another entity has another tag.
    await stores.clusterStateStore.recordClusterFailure(
      'demo',
      'down',
      new Date('2026-11-25T12:00:00Z'),
    );
    const afterFailure = await requestAs(server)
      .get('/releases')
      .query(entity)
      .set('if-none-match', changed.headers.etag);
    expect(afterFailure.status).toBe(200);
  }, 30_000);

  it('serves one release with its spec, and 404 for an unknown one', async () => {
    const server = await app();
    const found = await requestAs(server).get(
      '/releases/prod/prod/podinfo-prod',
    );
    expect(found.status).toBe(200);
    expect(found.body.spec).toEqual({ values: { image: { tag: '0.4.10' } } });
    expect(found.body.annotations).toEqual({ 'fluxcd.io/automated': 'true' });
    const missing = await requestAs(server).get('/releases/prod/prod/nope');
    expect(missing.status).toBe(404);
  });

  it('serves only the releases the policy lets the caller read', async () => {
    // Reads of prod are denied: lists by a conditional decision the store
    // answers, one release by a check of its own.
    const asked: string[] = [];
    const permissions = {
      async authorizeConditional(requests: QueryPermissionRequest[]) {
        return requests.map(r => {
          asked.push(`conditional ${r.permission.name}`);
          return createGitopsReleaseConditionalDecision(gitopsReadPermission, {
            not: gitopsReleaseConditions.isInEnvironment({
              environments: ['prod'],
            }),
          });
        });
      },
      async authorize(requests: AuthorizePermissionRequest[]) {
        return requests.map(r => {
          const ref = 'resourceRef' in r ? String(r.resourceRef) : '';
          asked.push(`${r.permission.name} ${ref}`);
          return {
            result: ref.startsWith('prod/')
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
          };
        });
      },
    } as unknown as PermissionsService;
    const server = await app(AuthorizeResult.ALLOW, permissions);
    const list = await requestAs(server)
      .get('/releases')
      .query({ entityRef: 'component:default/podinfo' });
    expect(
      list.body.items.map((r: { environment: string }) => r.environment),
    ).toEqual(['dev']);
    // No check per release: one decision for the caller.
    expect(asked.sort()).toEqual([
      'conditional gitops.release.read',
      'gitops.diagnostics.read ',
    ]);

    const one = await requestAs(server).get('/releases/prod/prod/podinfo-prod');
    expect(one.status).toBe(403);
    const history = await requestAs(server).get(
      '/releases/prod/prod/podinfo-prod/history',
    );
    expect(history.status).toBe(403);
  });

  describe('pipeline-wide reads', () => {
    // One server per policy: building the router is the slow part.
    let servers = new WeakMap<PermissionsService, express.Express>();
    beforeEach(() => {
      servers = new WeakMap();
    });
    const get = async (
      path: string,
      permissions: PermissionsService,
      query: object = {},
    ) => {
      const server =
        servers.get(permissions) ??
        (await app(AuthorizeResult.ALLOW, permissions));
      servers.set(permissions, server);
      return requestAs(server).get(path).query(query);
    };
    const names = (body: { items: Array<{ name?: string; id?: string }> }) =>
      body.items.map(item => item.name ?? item.id);

    beforeEach(() =>
      stores.clusterStateStore.ensureClusters([{ name: 'demo' }]),
    );

    it('list only the environments, repositories and clusters the caller may read a release of', async () => {
      // dev runs on the demo cluster, prod names none.
      const prodOnly = decidingPermissions(
        (permission, ref) =>
          permission !== 'gitops.release.read' || ref!.startsWith('prod/'),
        ['prod'],
      );
      expect(names((await get('/environments', prodOnly)).body)).toEqual([
        'prod',
      ]);
      expect(names((await get('/repositories', prodOnly)).body)).toEqual([
        'config',
      ]);
      // Who automates the repository's images, as the config says.
      expect(
        (await get('/repositories', prodOnly)).body.items[0].automation,
      ).toBe('flux');
      expect(names((await get('/clusters', prodOnly)).body)).toEqual([]);

      const devOnly = decidingPermissions(
        (permission, ref) =>
          permission !== 'gitops.release.read' || ref!.startsWith('dev/'),
        ['dev'],
      );
      expect(names((await get('/environments', devOnly)).body)).toEqual([
        'dev',
      ]);
      expect(names((await get('/clusters', devOnly)).body)).toEqual(['demo']);

      const none = decidingPermissions(
        permission => permission !== 'gitops.release.read',
      );
      for (const path of ['/environments', '/repositories', '/clusters']) {
        expect((await get(path, none)).body).toEqual({ items: [] });
      }
    });

    it('asks once per request: one conditional read decision and the diagnostics permission, nothing per release', async () => {
      const asked: string[] = [];
      const permissions = {
        async authorizeConditional(requests: QueryPermissionRequest[]) {
          asked.push(...requests.map(r => `conditional ${r.permission.name}`));
          return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
        },
        async authorize(requests: AuthorizePermissionRequest[]) {
          asked.push(...requests.map(r => r.permission.name));
          return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
        },
      } as unknown as PermissionsService;
      const server = await app(AuthorizeResult.ALLOW, permissions);
      expect(
        names((await requestAs(server).get('/environments')).body),
      ).toEqual(['dev', 'prod']);
      expect(asked.sort()).toEqual([
        'conditional gitops.release.read',
        'gitops.diagnostics.read',
      ]);
      // The caller's decision is kept a while: the next lists ask nothing.
      await requestAs(server).get('/repositories');
      await requestAs(server)
        .get('/releases')
        .query({ entityRef: 'component:default/podinfo' });
      expect(asked).toHaveLength(2);
    });

    it('shows no file problem of another team, only those of the caller files and environments', async () => {
      await stores.syncStateStore.applySync({
        repositoryId: 'config',
        commit: 'c0ffee',
        syncedAt: new Date('2026-11-25T11:00:00Z'),
        full: false,
        replacedPaths: ['teams/billing/values.yaml'],
        releases: [],
        problems: [
          {
            path: 'teams/billing/values.yaml',
            line: 2,
            message: 'billing secrets file broken',
          },
        ],
        events: [],
      });
      const list = await get(
        '/releases',
        decidingPermissions(() => true),
        {
          entityRef: 'component:default/podinfo',
        },
      );
      expect(list.body.problems.map((p: { path: string }) => p.path)).toEqual([
        'releases/dev/broken.yaml',
      ]);
    });

    describe('errors that name internal addresses', () => {
      const clusterError =
        'list Helm release Secrets in dev: cluster unreachable (request to https://10.20.0.1:6443/api/v1/namespaces/dev/secrets failed, reason: connect ECONNREFUSED 10.20.0.1:6443)';
      const gitError =
        'git fetch failed: fatal: unable to access https://git.internal.corp/config.git/: Could not resolve host: git.internal.corp';
      const automationError =
        'push to git@git.internal.corp:platform/config.git rejected';
      const secrets = ['10.20.0.1', 'git.internal.corp'];

      beforeEach(async () => {
        await stores.clusterStateStore.applyReconcile({
          cluster: 'demo',
          at: new Date('2026-11-25T11:00:00Z'),
          statuses: [
            {
              environment: 'dev',
              namespace: 'dev',
              name: 'podinfo-dev',
              cluster: 'demo',
              state: 'Synced',
              reason: 'deployed',
              differences: [],
            },
          ],
          removed: [],
          histories: [],
          events: [],
        });
        await stores.clusterStateStore.recordClusterFailure(
          'demo',
          clusterError,
          new Date('2026-11-25T11:05:00Z'),
        );
        await stores.syncStateStore.recordRepositoryFailure(
          'config',
          gitError,
          new Date('2026-11-25T11:05:00Z'),
        );
        await stores.eventStore.addEvents([
          {
            type: 'automation-failed',
            repository: 'config',
            message: automationError,
            at: new Date('2026-11-25T11:06:00Z'),
          },
        ]);
      });

      const everything = async (permissions: PermissionsService) => {
        const entity = { entityRef: 'component:default/podinfo' };
        return {
          clusters: (await get('/clusters', permissions)).body,
          repositories: (await get('/repositories', permissions)).body,
          releases: (await get('/releases', permissions, entity)).body,
          release: (await get('/releases/dev/dev/podinfo-dev', permissions))
            .body,
          events: (await get('/events', permissions, entity)).body,
        };
      };

      it('shows readers without gitops.diagnostics.read a generic message instead', async () => {
        const reader = decidingPermissions(
          permission => permission !== 'gitops.diagnostics.read',
        );
        const seen = await everything(reader);
        const text = JSON.stringify(seen);
        for (const secret of secrets) expect(text).not.toContain(secret);
        expect(seen.clusters.items[0].lastError).toMatch(
          /^The cluster could not be read \(details hidden/,
        );
        expect(seen.repositories.items[0].lastError).toMatch(
          /^The config repository could not be fetched/,
        );
        expect(seen.releases.items[0].status.stale.error).toMatch(
          /^The cluster could not be read/,
        );
        expect(seen.release.status.stale.error).toMatch(
          /^The cluster could not be read/,
        );
        expect(seen.releases.problems).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              path: '',
              message: expect.stringMatching(/^The config repository/),
            }),
            // The file's own problem says nothing of addresses and stays.
            expect.objectContaining({
              path: 'releases/dev/broken.yaml',
              message: 'bad indentation',
            }),
          ]),
        );
        expect(seen.events.items).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              type: 'automation-failed',
              message: expect.stringMatching(/^Image automation failed/),
            }),
          ]),
        );
      });

      it('shows them in full to callers with gitops.diagnostics.read', async () => {
        const seen = await everything(decidingPermissions(() => true));
        expect(seen.clusters.items[0].lastError).toBe(clusterError);
        expect(seen.repositories.items[0].lastError).toBe(gitError);
        expect(seen.release.status.stale.error).toBe(clusterError);
        expect(seen.releases.problems).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ path: '', message: gitError }),
          ]),
        );
        expect(seen.events.items).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ message: automationError }),
          ]),
        );
      });
    });
  });

  it('refuses a sync or a prune confirmation from a service the config does not name', async () => {
    const service = mockCredentials.service.header({
      onBehalfOf: mockCredentials.service('plugin:catalog'),
      targetPluginId: 'gitops',
    });
    // Backstage allows every service principal, whatever the policy says.
    const server = await app(AuthorizeResult.ALLOW);
    const synced = await requestAs(server, service).post('/sync');
    expect(synced.status).toBe(403);
    expect(synced.body.error.message).toBe(
      'plugin:catalog may not take gitops actions: a service needs gitops.actions.allowedServices to name it',
    );
    expect(trigger.trigger).not.toHaveBeenCalled();
    await stores.clusterStateStore.holdPrune({
      environment: 'dev',
      commit: 'a'.repeat(40),
      objects: [],
      total: 1,
      heldAt: '2026-11-25T10:00:00.000Z',
    });
    const confirmed = await requestAs(server, service)
      .post('/environments/dev/prune-confirmations')
      .send({ commit: 'a'.repeat(40) });
    expect(confirmed.status).toBe(403);
    expect(
      (await stores.clusterStateStore.getHeldPrune('dev'))?.confirmedBy,
    ).toBeUndefined();
    expect(auditEvent.fail).toHaveBeenCalledTimes(2);
  });

  it('lists only the events of the entity releases', async () => {
    const response = await requestAs(await app())
      .get('/events')
      .query({ entityRef: 'component:default/podinfo' });
    expect(response.body.items).toEqual([
      expect.objectContaining({
        name: 'podinfo-dev',
        author: 'ci',
        message: 'bump',
      }),
    ]);
  });

  it('filters events by environment and pages them, refusing a page size over 200 or a cursor it did not give', async () => {
    await stores.eventStore.addEvents([
      {
        type: 'promoted',
        repository: 'config',
        environment: 'prod',
        namespace: 'prod',
        name: 'podinfo-prod',
        actor: 'user:default/jane',
        at: new Date('2026-11-25T11:00:00Z'),
      },
      {
        type: 'locked',
        repository: 'config',
        environment: 'prod',
        namespace: 'prod',
        name: 'podinfo-prod',
        actor: 'user:default/jane',
        at: new Date('2026-11-25T12:00:00Z'),
      },
    ]);
    const server = await app();
    const events = (query: Record<string, string | number>) =>
      requestAs(server)
        .get('/events')
        .query({ entityRef: 'component:default/podinfo', ...query });

    const first = await events({ environment: 'prod', limit: 1 });
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { type: string }) => e.type)).toEqual([
      'locked',
    ]);
    const second = await events({
      environment: 'prod',
      limit: 1,
      before: first.body.next,
    });
    expect(
      second.body.items.map((e: { type: string; actor: string }) => [
        e.type,
        e.actor,
      ]),
    ).toEqual([['promoted', 'user:default/jane']]);
    expect(second.body.next).toBeUndefined();
    expect(
      (await events({ environment: 'dev' })).body.items.map(
        (e: { name: string }) => e.name,
      ),
    ).toEqual(['podinfo-dev']);

    expect((await events({ limit: 500 })).status).toBe(400);
    expect((await events({ limit: 0 })).status).toBe(400);
    expect((await events({ scope: 'everything' })).status).toBe(400);
    expect((await events({ before: 'yesterday' })).status).toBe(400);
  });

  it('triggers a sync when allowed, and records who asked', async () => {
    trigger.trigger.mockResolvedValue(['config']);
    const response = await requestAs(
      await app(),
      mockCredentials.user.header('user:default/alice'),
    )
      .post('/sync')
      .send({ repository: 'config' });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      repositories: ['config'],
      requestedBy: 'user:default/alice',
    });
    expect(trigger.trigger).toHaveBeenCalledWith('config');
    expect(auditEvent.success).toHaveBeenCalled();
    const events = await stores.eventStore.listEvents({
      releases: [],
      repositoryIds: ['config'],
      limit: 10,
    });
    expect(events[0]).toEqual(
      expect.objectContaining({
        type: 'sync-requested',
        actor: 'user:default/alice',
      }),
    );
  });

  describe('prune confirmations', () => {
    const commit = 'a'.repeat(40);
    const hold = () =>
      stores.clusterStateStore.holdPrune({
        environment: 'dev',
        commit,
        objects: [
          {
            apiVersion: 'helm.fluxcd.io/v1',
            kind: 'HelmRelease',
            namespace: 'dev',
            name: 'podinfo-dev',
          },
        ],
        total: 1,
        heldAt: '2026-11-25T10:00:00.000Z',
      });
    const confirm = async (
      body: object,
      result = AuthorizeResult.ALLOW as
        | AuthorizeResult.ALLOW
        | AuthorizeResult.DENY,
    ) =>
      requestAs(
        await app(result),
        mockCredentials.user.header('user:default/alice'),
      )
        .post('/environments/dev/prune-confirmations')
        .send(body);

    it('confirms the held deletion of its commit and records who asked', async () => {
      await hold();
      const response = await confirm({ commit });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        commit,
        confirmedBy: 'user:default/alice',
        total: 1,
      });
      expect(await stores.clusterStateStore.getHeldPrune('dev')).toMatchObject({
        confirmedBy: 'user:default/alice',
      });
      const events = await stores.eventStore.listEvents({
        releases: [],
        repositoryIds: ['config'],
        limit: 10,
      });
      expect(events[0]).toMatchObject({
        type: 'prune-confirmed',
        environment: 'dev',
        commit,
        actor: 'user:default/alice',
      });
      // dev's cluster deletes now, not at its next scheduled cycle.
      expect(reconcileTrigger.trigger).toHaveBeenCalledWith('demo');
    });

    it('confirms nothing for another commit, none held, a denied caller or no commit', async () => {
      expect((await confirm({ commit })).status).toBe(404);
      await hold();
      expect((await confirm({ commit: 'b'.repeat(40) })).status).toBe(409);
      expect((await confirm({})).status).toBe(400);
      expect((await confirm({ commit }, AuthorizeResult.DENY)).status).toBe(
        403,
      );
      expect(
        (await stores.clusterStateStore.getHeldPrune('dev'))?.confirmedBy,
      ).toBeUndefined();
      expect(reconcileTrigger.trigger).not.toHaveBeenCalled();
    });
  });

  it('refuses a sync the permission policy denies, and triggers nothing', async () => {
    const response = await requestAs(await app(AuthorizeResult.DENY)).post(
      '/sync',
    );
    expect(response.status).toBe(403);
    expect(trigger.trigger).not.toHaveBeenCalled();
    expect(auditEvent.fail).toHaveBeenCalled();
  });
  describe('helm reconciliation', () => {
    const devKey = {
      environment: 'dev',
      namespace: 'dev',
      name: 'podinfo-dev',
    };
    const devStatus = {
      cluster: 'demo',
      state: 'Synced' as const,
      reason: 'deployed podinfo-0.2.1 revision 3',
      differences: [],
      revision: 3,
      chartVersion: '0.2.1',
      deployedAt: '2026-11-25T10:59:00.000Z',
    };

    beforeEach(async () => {
      await stores.clusterStateStore.ensureClusters([
        { name: 'demo', title: 'demo (simulated)' },
      ]);
      await stores.clusterStateStore.applyReconcile({
        cluster: 'demo',
        at: new Date('2026-11-25T11:00:00Z'),
        statuses: [{ ...devKey, ...devStatus }],
        removed: [],
        histories: [
          {
            ...devKey,
            cluster: 'demo',
            revisions: [
              { revision: 1, status: 'superseded', chartVersion: '0.2.0' },
              { revision: 3, status: 'deployed', chartVersion: '0.2.1' },
              { revision: 2, status: 'superseded', chartVersion: '0.2.0' },
            ],
          },
        ],
        events: [],
      });
    });

    it('puts the stored status on the releases it has one for', async () => {
      const response = await requestAs(await app())
        .get('/releases')
        .query({ entityRef: 'component:default/podinfo' });
      const [dev, prod] = response.body.items;
      expect(dev.status).toEqual({
        ...devStatus,
        checkedAt: '2026-11-25T11:00:00.000Z',
      });
      expect(prod.status).toBeUndefined();
    });

    it('marks statuses stale, with the error and its time, once the cluster fails', async () => {
      await stores.clusterStateStore.recordClusterFailure(
        'demo',
        'list Helm release Secrets in dev: cluster unreachable (ECONNREFUSED)',
        new Date('2026-11-25T11:05:00Z'),
      );
      const response = await requestAs(await app()).get(
        '/releases/dev/dev/podinfo-dev',
      );
      expect(response.body.status).toMatchObject({
        state: 'Synced',
        checkedAt: '2026-11-25T11:00:00.000Z',
        stale: {
          error: expect.stringMatching(/unreachable/),
          at: '2026-11-25T11:05:00.000Z',
        },
      });
      const clusters = await requestAs(await app()).get('/clusters');
      expect(clusters.body.items).toEqual([
        expect.objectContaining({
          name: 'demo',
          title: 'demo (simulated)',
          lastError: expect.any(String),
        }),
      ]);
    });

    it('serves the Helm history newest first, empty before any reconcile, 404 for no release', async () => {
      const server = await app();
      const history = await requestAs(server).get(
        '/releases/dev/dev/podinfo-dev/history',
      );
      expect(history.body).toEqual({
        cluster: 'demo',
        items: [
          { revision: 3, status: 'deployed', chartVersion: '0.2.1' },
          { revision: 2, status: 'superseded', chartVersion: '0.2.0' },
          { revision: 1, status: 'superseded', chartVersion: '0.2.0' },
        ],
      });
      const none = await requestAs(server).get(
        '/releases/prod/prod/podinfo-prod/history',
      );
      expect(none.body).toEqual({ items: [] });
      const missing = await requestAs(server).get(
        '/releases/dev/dev/nope/history',
      );
      expect(missing.status).toBe(404);
    });

    it('requests a reconcile in the cluster when allowed, and records who asked', async () => {
      const response = await requestAs(
        await app(),
        mockCredentials.user.header('user:default/alice'),
      ).post('/releases/dev/dev/podinfo-dev/reconcile');
      expect(response.status).toBe(202);
      expect(response.body).toMatchObject({
        cluster: 'demo',
        requestedBy: 'user:default/alice',
      });
      expect(reconcileTrigger.clusterApi).toHaveBeenCalledWith('demo');
      expect(clusterApi.requestReconcile).toHaveBeenCalledWith(
        {
          apiVersion: 'helm.fluxcd.io/v1',
          namespace: 'dev',
          name: 'podinfo-dev',
        },
        response.body.requestedAt,
      );
      expect(reconcileTrigger.trigger).toHaveBeenCalledWith('demo');
      const [event] = await stores.eventStore.listEvents({
        releases: [devKey],
        repositoryIds: [],
        limit: 1,
      });
      expect(event).toMatchObject({
        type: 'reconcile-requested',
        actor: 'user:default/alice',
      });
      expect(auditEvent.success).toHaveBeenCalled();
    });

    it('checks the reconcile permission on the release and the entity page it was asked from', async () => {
      const { service, asked } = recordingPermissions(AuthorizeResult.ALLOW);
      const response = await requestAs(
        await app(AuthorizeResult.ALLOW, service),
      )
        .post('/releases/dev/dev/podinfo-dev/reconcile')
        .send({ entityRef: 'component:default/podinfo' });
      expect(response.status).toBe(202);
      expect(asked).toEqual([
        {
          permission: 'gitops.release.reconcile',
          resourceRef: 'dev/dev/podinfo-dev@component:default/podinfo',
        },
      ]);
      const bad = await requestAs(await app())
        .post('/releases/dev/dev/podinfo-dev/reconcile')
        .send({ entityRef: ['component:default/podinfo'] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        'request/body/entityRef must be string',
      );
    });

    it('refuses a reconcile the policy denies, and one of an environment without cluster', async () => {
      const denied = await requestAs(await app(AuthorizeResult.DENY)).post(
        '/releases/dev/dev/podinfo-dev/reconcile',
      );
      expect(denied.status).toBe(403);
      const noCluster = await requestAs(await app()).post(
        '/releases/prod/prod/podinfo-prod/reconcile',
      );
      expect(noCluster.status).toBe(400);
      expect(noCluster.body.error.message).toMatch(/names no cluster/);
      expect(clusterApi.requestReconcile).not.toHaveBeenCalled();
      expect(auditEvent.fail).toHaveBeenCalledTimes(2);
    });

    it('answers 503 when the cluster cannot be reached, recording nothing', async () => {
      clusterApi.requestReconcile.mockRejectedValueOnce(
        new ClusterRequestError(
          'request reconcile: cluster unreachable (connect ECONNREFUSED 10.20.0.1:6443)',
        ),
      );
      const response = await requestAs(await app()).post(
        '/releases/dev/dev/podinfo-dev/reconcile',
      );
      expect(response.status).toBe(503);
      // The API server's address is for the logs, not for the caller.
      expect(response.body.error.message).toBe(
        'Cluster demo did not take the reconcile request; the backend logs say why',
      );
      expect(JSON.stringify(response.body)).not.toContain('10.20.0.1');
      expect(reconcileTrigger.trigger).not.toHaveBeenCalled();
      const events = await stores.eventStore.listEvents({
        releases: [devKey],
        repositoryIds: [],
        limit: 5,
      });
      expect(events.some(e => e.type === 'reconcile-requested')).toBe(false);
    });
  });
});

describe('createRouter: release actions', () => {
  // Each test builds real git remotes and a registry: seconds on a busy machine.
  jest.setTimeout(30_000);
  const STG = { environment: 'stg', namespace: 'stg', name: 'podinfo-rc' };
  const ALICE = 'user:default/alice';
  const ENTITY = 'component:default/podinfo';
  let fx: ActionsFixture;

  beforeEach(async () => {
    jest.clearAllMocks();
    auditor.createEvent.mockResolvedValue(auditEvent);
    fx = await createActionsFixture({ registry: true });
    await fx.push('dev-kb9lm91e', '2026-11-20T10:00:00Z');
    await fx.push('stg-9ij63o4c', '2026-11-01T10:00:00Z');
  });

  afterEach(async () => {
    await fx.cleanup();
  });

  async function app(
    result:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) {
    const { service, asked } = recordingPermissions(result);
    const server = await routerApp({
      stores: fx,
      permissions: service,
      ...committingActions(),
    });
    return { server, asked };
  }

  /** Promotions and locks that commit to the fixture's config repository. */
  function committingActions() {
    const writers = () => fx.writer();
    return {
      promotions: new ReleasePromotions({
        syncStateStore: fx.syncStateStore,
        eventStore: fx.eventStore,
        writers,
        registry: fx.digests(),
      }),
      locks: new ReleaseLocks({
        syncStateStore: fx.syncStateStore,
        eventStore: fx.eventStore,
        writers,
      }),
    };
  }

  const post = (
    server: express.Express,
    action: string,
    body: object,
    user = ALICE,
  ) =>
    requestAs(server, mockCredentials.user.header(user))
      .post(`/releases/stg/stg/podinfo-rc/${action}`)
      .send(body);

  const actionEvents = async () =>
    (
      await fx.eventStore.listEvents({
        releases: [STG],
        repositoryIds: [],
        limit: 20,
      })
    ).filter(e => ['promoted', 'locked', 'unlocked'].includes(e.type));

  it('promotes: a dry run answers 200 with the diff, the real one 201 with the commit, and the event names the actor', async () => {
    const { server, asked } = await app();
    const head = await fx.remote.head();
    const dryRun = await post(server, 'promote', {
      entityRef: ENTITY,
      dryRun: true,
    });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({
      mode: 'copy-and-lock',
      tag: 'dev-kb9lm91e',
      path: 'releases/stg/podinfo.yaml',
      diff: expect.stringContaining('+      tag: dev-kb9lm91e\n'),
    });
    expect(dryRun.body.commit).toBeUndefined();
    expect(await fx.remote.head()).toBe(head);

    const done = await post(server, 'promote', { entityRef: ENTITY });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({
      commit: await fx.remote.head(),
      requestedBy: ALICE,
      diff: dryRun.body.diff,
    });
    expect(asked).toEqual([
      {
        permission: 'gitops.release.promote',
        resourceRef: `stg/stg/podinfo-rc@${ENTITY}`,
      },
      {
        permission: 'gitops.release.promote',
        resourceRef: `stg/stg/podinfo-rc@${ENTITY}`,
      },
    ]);
    expect(await actionEvents()).toEqual([
      expect.objectContaining({
        type: 'promoted',
        actor: ALICE,
        commit: done.body.commit,
      }),
    ]);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'gitops-promote',
        meta: { ...STG, entityRef: ENTITY, dryRun: false },
      }),
    );
    expect(auditEvent.success).toHaveBeenLastCalledWith({
      meta: expect.objectContaining({
        mode: 'copy-and-lock',
        commit: done.body.commit,
      }),
    });

    const again = await post(server, 'promote', {});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/^Nothing to promote/);
    expect(asked[2]).toEqual({
      permission: 'gitops.release.promote',
      resourceRef: 'stg/stg/podinfo-rc',
    });
  });

  it('locks and unlocks: 201 for a commit, 200 with changed false for a no-op, events with the actor', async () => {
    const { server, asked } = await app();
    const locked = await post(server, 'lock', {
      entityRef: ENTITY,
      message: 'Freeze for the release',
    });
    expect(locked.status).toBe(201);
    expect(locked.body).toEqual({
      commit: await fx.remote.head(),
      changed: true,
      path: 'releases/stg/podinfo.yaml',
      requestedBy: ALICE,
    });
    expect(await fx.show('main', 'releases/stg/podinfo.yaml')).toContain(
      'fluxcd.io/locked_msg: "Freeze for the release"',
    );

    const again = await post(server, 'lock', {}, 'user:default/bob');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      changed: false,
      path: 'releases/stg/podinfo.yaml',
      requestedBy: 'user:default/bob',
    });

    const unlocked = await post(
      server,
      'unlock',
      { entityRef: ENTITY },
      'user:default/bob',
    );
    expect(unlocked.status).toBe(201);
    expect(await fx.show('main', 'releases/stg/podinfo.yaml')).toBe(
      fx.seed['releases/stg/podinfo.yaml'],
    );

    expect(asked.map(a => `${a.permission} ${a.resourceRef}`)).toEqual([
      `gitops.release.automation.update stg/stg/podinfo-rc@${ENTITY}`,
      'gitops.release.automation.update stg/stg/podinfo-rc',
      `gitops.release.automation.update stg/stg/podinfo-rc@${ENTITY}`,
    ]);
    expect((await actionEvents()).map(e => [e.type, e.actor])).toEqual([
      ['unlocked', 'user:default/bob'],
      ['locked', ALICE],
    ]);
    expect(auditor.createEvent.mock.calls.map(([e]) => e.eventId)).toEqual([
      'gitops-lock',
      'gitops-lock',
      'gitops-unlock',
    ]);
  });

  it("answers 400 with the reason to lock or unlock where Flux's image-automation-controller commits, committing nothing", async () => {
    const { service } = recordingPermissions(AuthorizeResult.ALLOW);
    const writers = () =>
      new RepositoryWriter({
        repository: { ...fx.repository, automation: 'flux' },
        git: fx.git(),
        logger: mockServices.logger.mock(),
      });
    const server = await routerApp({
      stores: fx,
      permissions: service,
      locks: new ReleaseLocks({
        syncStateStore: fx.syncStateStore,
        eventStore: fx.eventStore,
        writers,
      }),
    });
    const head = await fx.remote.head();
    for (const action of ['lock', 'unlock']) {
      const response = await post(server, action, { entityRef: ENTITY });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(
        /^(Locking|Unlocking) stg\/podinfo-rc in stg is refused: the images of config are automated by Flux's image-automation-controller, which ignores fluxcd\.io\/locked, so a lock would hold nothing\. Flux's way is to suspend its ImageUpdateAutomation/,
      );
    }
    expect(await fx.remote.head()).toBe(head);
    expect(await actionEvents()).toEqual([]);
  });

  it('answers 403 when the policy denies, committing and recording nothing', async () => {
    const { server } = await app(AuthorizeResult.DENY);
    const head = await fx.remote.head();
    for (const action of ['promote', 'lock', 'unlock']) {
      const response = await post(server, action, { entityRef: ENTITY });
      expect(response.status).toBe(403);
      expect(response.body.error.message).toBe(
        `${ALICE} may not ${action} stg/podinfo-rc in stg`,
      );
    }
    const dryRun = await post(server, 'promote', { dryRun: true });
    expect(dryRun.status).toBe(403);
    expect(await fx.remote.head()).toBe(head);
    expect(await actionEvents()).toEqual([]);
    expect(auditEvent.fail).toHaveBeenCalledTimes(4);
    expect(auditEvent.success).not.toHaveBeenCalled();
  });

  it('answers 400 for a malformed body before checking anything, and 404 for an unknown release', async () => {
    const { server, asked } = await app();
    // The spec's request schemas decide, in the OpenAPI validator's words.
    for (const [action, body, message] of [
      ['promote', { entityRef: 7 }, 'request/body/entityRef must be string'],
      ['promote', { dryRun: 'yes' }, 'request/body/dryRun must be boolean'],
      ['lock', { message: ['x'] }, 'request/body/message must be string'],
      [
        'lock',
        { message: 'x'.repeat(501) },
        'request/body/message must NOT have more than 500 characters',
      ],
      [
        'unlock',
        { entityRef: { kind: 'component' } },
        'request/body/entityRef must be string',
      ],
    ] as const) {
      const response = await post(server, action, body);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe(message);
    }
    const array = await requestAs(server)
      .post('/releases/stg/stg/podinfo-rc/lock')
      .send([1]);
    expect(array.status).toBe(400);
    expect(asked).toEqual([]);

    const missing = await requestAs(server).post('/releases/stg/stg/nope/lock');
    expect(missing.status).toBe(404);
    const anonymous = await requestAs(
      server,
      mockCredentials.none.header(),
    ).post('/releases/stg/stg/podinfo-rc/promote');
    expect(anonymous.status).toBe(401);
  });
  describe('who may act', () => {
    const PROD = {
      environment: 'prod',
      namespace: 'prod',
      name: 'podinfo-prod',
    };
    const MALLORY = 'user:default/mallory';
    const OWNER = 'user:default/olivia';
    // The demo's podinfo releases name component:default/podinfo, owned by
    // group:default/team. tools is mallory's team's own component, annotated
    // to select podinfo's releases every way an entity can.
    const tools = {
      ...podinfo,
      metadata: {
        name: 'tools',
        namespace: 'default',
        annotations: {
          'gitops.backstage.io/helm-chart': 'podinfo',
          'gitops.backstage.io/image': 'stefanprodan/podinfo',
        },
      },
      spec: { ...podinfo.spec, owner: 'group:default/mallory-team' },
    };
    const memberships: Record<string, string[]> = {
      [MALLORY]: [MALLORY, 'group:default/mallory-team'],
      [OWNER]: [OWNER, 'group:default/team'],
    };

    /**
     * The demo policy for release actions (owners of the release's entity),
     * evaluated as the permission framework does a conditional decision:
     * the plugin loads the resources and applies IS_ENTITY_OWNER to them.
     */
    function ownerPolicy(): PermissionsService {
      const load = createReleaseResourceLoader({
        syncStateStore: fx.syncStateStore,
        catalog: catalogServiceMock({ entities: [podinfo, tools] }),
        auth: mockServices.auth(),
      });
      return {
        async authorize(
          requests: AuthorizePermissionRequest[],
          {
            credentials,
          }: { credentials: { principal: { userEntityRef: string } } },
        ) {
          const claims = memberships[credentials.principal.userEntityRef] ?? [];
          const resources = await load(
            requests.map(r =>
              'resourceRef' in r ? String(r.resourceRef) : '',
            ),
          );
          return resources.map(resource => ({
            result:
              resource && isEntityOwner.apply(resource, { claims })
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          }));
        },
      } as unknown as PermissionsService;
    }

    it('refuses the owners of an entity that selects a release by its own annotations, and lets the owners the repository names act', async () => {
      const requestReconcile = jest.fn();
      const server = await routerApp({
        stores: fx,
        permissions: ownerPolicy(),
        ...committingActions(),
        reconcileRequests: new ReconcileRequests({
          syncStateStore: fx.syncStateStore,
          eventStore: fx.eventStore,
          reconcile: {
            clusterApi: () => ({ requestReconcile } as any),
            trigger: jest.fn(),
          },
          logger: mockServices.logger.mock(),
        }),
      });
      const act = (action: string, user: string, body: object) =>
        requestAs(server, mockCredentials.user.header(user))
          .post(`/releases/prod/prod/podinfo-prod/${action}`)
          .send(body);

      const head = await fx.remote.head();
      for (const action of ['lock', 'promote', 'reconcile', 'unlock']) {
        for (const body of [{ entityRef: 'component:default/tools' }, {}]) {
          const response = await act(action, MALLORY, body);
          expect(response.status).toBe(403);
        }
      }
      expect(await fx.remote.head()).toBe(head);
      expect(requestReconcile).not.toHaveBeenCalled();
      const events = await fx.eventStore.listEvents({
        releases: [PROD],
        repositoryIds: [],
        limit: 20,
      });
      expect(events.filter(e => e.actor)).toEqual([]);

      const locked = await act('lock', OWNER, {
        entityRef: 'component:default/podinfo',
      });
      expect(locked.status).toBe(201);
      expect(await fx.remote.head()).toBe(locked.body.commit);
      // From any page: the release, not the request, says whose it is.
      const unlocked = await act('unlock', OWNER, {});
      expect(unlocked.status).toBe(201);
    });

    it('lets a service act only when gitops.actions.allowedServices names it', async () => {
      const asService = (subject: string) =>
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service(subject),
          targetPluginId: 'gitops',
        });
      const writers = () => fx.writer();
      const serverFor = (allowedServices: string[]) =>
        routerApp({
          stores: fx,
          // What Backstage answers for every service principal.
          permissions: mockServices.permissions({
            result: AuthorizeResult.ALLOW,
          }),
          locks: new ReleaseLocks({
            syncStateStore: fx.syncStateStore,
            eventStore: fx.eventStore,
            writers,
          }),
          allowedServices,
        });
      const head = await fx.remote.head();
      const refused = await requestAs(
        await serverFor(['plugin:release-bot']),
        asService('plugin:catalog'),
      ).post('/releases/stg/stg/podinfo-rc/lock');
      expect(refused.status).toBe(403);
      expect(await fx.remote.head()).toBe(head);

      const allowed = await requestAs(
        await serverFor(['plugin:release-bot']),
        asService('plugin:release-bot'),
      ).post('/releases/stg/stg/podinfo-rc/lock');
      expect(allowed.status).toBe(201);
      expect(allowed.body.requestedBy).toBe('plugin:release-bot');
    });
  });
});

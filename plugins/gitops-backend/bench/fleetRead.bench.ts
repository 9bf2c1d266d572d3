/*
 * The entity page's read at fleet scale (issue 14, "How it is shown"): 20,000
 * releases of 200 catalog entities on PostgreSQL, read through the plugin as
 * shipped in one test backend that also runs Backstage's kubernetes-backend
 * against a simulated cluster holding the measured entity's objects. Same
 * server, same caller, same run: the entity read (GET /releases?entityRef)
 * is compared with kubernetes-backend's objects endpoint for the same entity
 * (goal: p99 at least 5x lower, with the cluster answering at once and with
 * 20 ms per cluster request) and with GET /environments (goal: within 3x).
 *
 * Wiring, real wherever it costs time in production: auth is Backstage's
 * (auth, httpAuth and userInfo services of backend-defaults, with the auth
 * backend issuing the user token at a guest sign-in and plugin-to-plugin
 * tokens from database-held keys); permissions are the permission backend
 * with the demo's policy (packages/backend/src/permissionPolicy.ts), asked
 * over HTTP by the default permissions service; one database per plugin
 * (Backstage's database service under a scratch prefix). Only the catalog
 * is in memory (catalogServiceMock).
 *
 * `yarn bench fleet`; FLEET_BENCH_REQUESTS (default 2000) per setting,
 * FLEET_BENCH_SECONDS (default 45) caps one setting's time.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  GITOPS_ANNOTATION_RELEASE_SELECTOR,
  KUBERNETES_ID_ANNOTATION,
} from '@backstage-gitops/plugin-gitops-common';
import {
  KubeObject,
  KubernetesDouble,
  startKubernetesDouble,
} from '@backstage-gitops/kubernetes-double';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import http from 'node:http';
import { AddressInfo } from 'node:net';
// The demo backend's own policy, measured as the demo runs it; the demo
// backend depends on this plugin, so it cannot be a dependency here.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { DemoPermissionPolicy } from '../../../packages/backend/src/permissionPolicy';
import { chartRelease } from '../src/__testUtils__/releaseRecord';
import { createGitopsStores } from '../src/database';
import { ReleaseStatusRecord } from '../src/database/ClusterStateStore';
import { ReleaseRecord } from '../src/database/SyncStateStore';
import { gitopsPlugin } from '../src/plugin';
import { HttpCall, LoadResult, measureLoad, send } from './httpLoad';
import { createScratchDatabases, ScratchDatabases } from './postgresDatabase';

const ENTITIES = 200;
const RELEASES_PER_ENTITY = 100;
const ENVIRONMENTS = ['dev', 'stage', 'prod'];
const CLUSTER = 'demo';
/** The entity both endpoints are asked about. */
const MEASURED = 42;
const REQUESTS = Number(process.env.FLEET_BENCH_REQUESTS ?? 2000);
const WARM_UP = Math.max(50, Math.round(REQUESTS / 10));
const SECONDS_PER_SETTING = Number(process.env.FLEET_BENCH_SECONDS ?? 45);
const LATENCIES_MS = [0, 20];
const CONCURRENCIES = [1, 20];

const serviceId = (i: number) => `svc-${String(i).padStart(3, '0')}`;
const releaseName = (i: number, r: number) =>
  `${serviceId(i)}-r${String(r).padStart(2, '0')}`;
const environmentOf = (r: number) => ENVIRONMENTS[r % ENVIRONMENTS.length];

function entityOf(i: number): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: serviceId(i),
      namespace: 'default',
      annotations: {
        [GITOPS_ANNOTATION_RELEASE_SELECTOR]: `app=${serviceId(i)}`,
        [KUBERNETES_ID_ANNOTATION]: serviceId(i),
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-a',
    },
  };
}

function releaseOf(i: number, r: number): ReleaseRecord {
  const environment = environmentOf(r);
  const name = releaseName(i, r);
  return chartRelease(environment, serviceId(i), {
    name,
    releaseName: name,
    labels: { app: serviceId(i), team: 'team-a' },
    automated: true,
    images: [
      {
        container: 'chart-image',
        repository: `registry.example.com/${serviceId(i)}`,
        tag: `${environment}-1.0.${r}`,
        policy: `glob:${environment}-*`,
        paths: { repository: 'image.repository', tag: 'image.tag' },
      },
    ],
    sourcePath: `releases/${environment}/${name}.yaml`,
    spec: {
      values: { replicaCount: 2, image: { tag: `${environment}-1.0.${r}` } },
    },
  });
}

function statusOf(release: ReleaseRecord, r: number): ReleaseStatusRecord {
  return {
    environment: release.environment,
    namespace: release.namespace,
    name: release.name,
    cluster: CLUSTER,
    // A few of each entity's releases are not as git asks, as in a real fleet.
    state: r % 10 === 0 ? 'Drifted' : 'Synced',
    reason: r % 10 === 0 ? 'values differ' : 'Deployed as git asks',
    differences:
      r % 10 === 0
        ? [{ path: 'values.replicaCount', desired: 2, live: 1 }]
        : [],
    revision: 3,
    chartVersion: '0.2.0',
    appVersion: '6.0.0',
    deployedAt: '2026-11-25T09:00:00.000Z',
    since: '2026-11-25T09:30:00.000Z',
  };
}

/** Every release and its cluster status, written as the sync and reconcile loops would. */
async function seedFleet(knex: import('knex').Knex) {
  const stores = await createGitopsStores({
    database: mockServices.database({ knex }),
  });
  const { syncStateStore, clusterStateStore } = stores;
  await syncStateStore.ensureRepository({
    id: 'config',
    url: 'file:///srv/config.git',
    branch: 'main',
  });
  await syncStateStore.replaceEnvironments(
    'config',
    ENVIRONMENTS.map((name, order) => ({
      name,
      repository: 'config',
      path: `releases/${name}`,
      cluster: CLUSTER,
      order,
    })),
  );
  const releases: ReleaseRecord[] = [];
  const statuses: ReleaseStatusRecord[] = [];
  for (let i = 0; i < ENTITIES; i++) {
    for (let r = 0; r < RELEASES_PER_ENTITY; r++) {
      const release = releaseOf(i, r);
      releases.push(release);
      statuses.push(statusOf(release, r));
    }
  }
  await syncStateStore.applySync({
    repositoryId: 'config',
    commit: 'c0ffee',
    syncedAt: new Date('2026-11-25T10:00:00Z'),
    full: true,
    replacedPaths: [],
    releases,
    problems: [],
    events: [],
  });
  await clusterStateStore.ensureClusters([{ name: CLUSTER }]);
  await clusterStateStore.applyReconcile({
    cluster: CLUSTER,
    at: new Date(),
    statuses,
    removed: [],
    histories: [],
    events: [],
  });
}

/**
 * What a Helm chart leaves in the cluster for each of the measured entity's
 * releases: a Deployment, its ReplicaSet, a Pod and a Service, labelled with
 * the entity's kubernetes-id as kubernetes-backend selects them.
 */
function clusterObjectsOf(i: number): KubeObject[] {
  const id = serviceId(i);
  return Array.from({ length: RELEASES_PER_ENTITY }, (_, r): KubeObject[] => {
    const namespace = environmentOf(r);
    const name = releaseName(i, r);
    const labels = { [KUBERNETES_ID_ANNOTATION]: id, app: id, release: name };
    const container = {
      name: 'app',
      image: `registry.example.com/${id}:${namespace}-1.0.${r}`,
      ports: [{ containerPort: 8080 }],
      resources: { requests: { cpu: '100m', memory: '64Mi' } },
    };
    const template = {
      metadata: { labels },
      spec: { containers: [container] },
    };
    return [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: { release: name } },
          template,
        },
        status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: `${name}-7d9f8`, namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: { release: name } },
          template,
        },
        status: { replicas: 1, readyReplicas: 1 },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${name}-7d9f8-x2k4q`, namespace, labels },
        spec: { containers: [container] },
        status: {
          phase: 'Running',
          containerStatuses: [{ name: 'app', ready: true, restartCount: 0 }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace, labels },
        spec: {
          selector: { release: name },
          ports: [{ port: 80, targetPort: 8080 }],
        },
      },
    ];
  }).flat();
}

const demoPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'bench-demo-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new DemoPermissionPolicy());
      },
    });
  },
});

/** The signed-in user's header, set once startBackend has signed in. */
const userHeaders = { authorization: '' };

async function startBackend(
  database: ScratchDatabases['config'],
  cluster: KubernetesDouble,
) {
  const backend = await startTestBackend({
    features: [
      gitopsPlugin,
      import('@backstage/plugin-kubernetes-backend'),
      // The demo backend's plugins, installed with it: the bench signs in and
      // decides permissions as the demo does.
      // eslint-disable-next-line @backstage/no-undeclared-imports
      import('@backstage/plugin-permission-backend'),
      demoPolicyModule,
      // eslint-disable-next-line @backstage/no-undeclared-imports
      import('@backstage/plugin-auth-backend'),
      // eslint-disable-next-line @backstage/no-undeclared-imports
      import('@backstage/plugin-auth-backend-module-guest-provider'),
      authServiceFactory,
      httpAuthServiceFactory,
      userInfoServiceFactory,
      permissionsServiceFactory,
      databaseServiceFactory,
      catalogServiceMock.factory({
        entities: Array.from({ length: ENTITIES }, (_, i) => entityOf(i)),
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: { database },
          auth: {
            environment: 'development',
            providers: {
              guest: {
                userEntityRef: 'user:default/guest',
                dangerouslyAllowOutsideDevelopment: true,
              },
            },
          },
          permission: { enabled: true },
          kubernetes: {
            serviceLocatorMethod: { type: 'multiTenant' },
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: CLUSTER,
                    url: cluster.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: cluster.token,
                    skipTLSVerify: true,
                    skipMetricsLookup: true,
                  },
                ],
              },
            ],
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  // A user token as the app gets it at sign-in: signed by the auth backend,
  // checked by every plugin's httpAuth against its keys.
  const signIn = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  const identity = await signIn.json();
  const token = identity?.backstageIdentity?.token;
  if (!signIn.ok || typeof token !== 'string') {
    throw new Error(
      `Guest sign-in failed: ${signIn.status} ${JSON.stringify(identity).slice(
        0,
        300,
      )}`,
    );
  }
  userHeaders.authorization = `Bearer ${token}`;
  return { backend, baseUrl };
}

const entityRead = (): HttpCall => ({
  method: 'GET',
  path: `/api/gitops/releases?entityRef=${encodeURIComponent(
    `component:default/${serviceId(MEASURED)}`,
  )}`,
  headers: userHeaders,
});
const kubernetesRead = (): HttpCall => ({
  method: 'POST',
  path: `/api/kubernetes/services/${serviceId(MEASURED)}`,
  headers: userHeaders,
  body: { entity: entityOf(MEASURED) },
});
const environmentsRead = (): HttpCall => ({
  method: 'GET',
  path: '/api/gitops/environments',
  headers: userHeaders,
});

/**
 * Why each endpoint's answer is not the one it should give for the fleet
 * (nothing when it is): a route that fails is reported and not timed, as a
 * fast error is no read.
 */
async function checkAnswers(baseUrl: string): Promise<Record<string, string>> {
  const agent = new http.Agent({ keepAlive: true });
  const failures: Record<string, string> = {};
  try {
    const releases = await send(agent, baseUrl, entityRead());
    const releaseItems = parsed(releases.text).items ?? [];
    const withStatus = releaseItems.filter((item: any) => item.status).length;
    if (
      releases.status !== 200 ||
      releaseItems.length !== RELEASES_PER_ENTITY ||
      withStatus !== RELEASES_PER_ENTITY
    ) {
      failures['gitops entity'] = `${releases.status}, ${
        releaseItems.length
      } releases (${withStatus} with status): ${releases.text.slice(0, 200)}`;
    }
    const objects = await send(agent, baseUrl, kubernetesRead());
    const clusters = parsed(objects.text).items ?? [];
    const counts = Object.fromEntries(
      (clusters[0]?.resources ?? []).map((group: any) => [
        group.type,
        group.resources.length,
      ]),
    );
    const errors = clusters[0]?.errors ?? [];
    if (
      objects.status !== 200 ||
      clusters.length !== 1 ||
      errors.length > 0 ||
      ['pods', 'services', 'deployments', 'replicasets'].some(
        type => counts[type] !== RELEASES_PER_ENTITY,
      )
    ) {
      failures.kubernetes = `${objects.status}, ${JSON.stringify(
        counts,
      )}, errors ${JSON.stringify(errors).slice(0, 200)}: ${objects.text.slice(
        0,
        200,
      )}`;
    }
    const environments = await send(agent, baseUrl, environmentsRead());
    const environmentItems = parsed(environments.text).items ?? [];
    if (
      environments.status !== 200 ||
      environmentItems.length !== ENVIRONMENTS.length
    ) {
      failures['gitops environments'] = `${
        environments.status
      }: ${environments.text.slice(0, 200)}`;
    }
  } finally {
    agent.destroy();
  }
  return failures;
}

function parsed(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

type Row = {
  latencyMs: number;
  concurrency: number;
  route: string;
  result: LoadResult;
};

async function measure(baseUrl: string, call: HttpCall, concurrency: number) {
  await measureLoad({ baseUrl, call, requests: WARM_UP, concurrency });
  return measureLoad({
    baseUrl,
    call,
    requests: REQUESTS,
    concurrency,
    maxSeconds: SECONDS_PER_SETTING,
  });
}

const ms = (value: number) => value.toFixed(1).padStart(8);

export async function run() {
  const databases = await createScratchDatabases('fleet');
  const cluster = await startKubernetesDouble({ namespaces: ENVIRONMENTS });
  let started: Awaited<ReturnType<typeof startBackend>> | undefined;
  try {
    const seedStart = performance.now();
    const gitopsDatabase = await databases.openPluginDatabase('gitops');
    await seedFleet(gitopsDatabase).finally(() => gitopsDatabase.destroy());
    for (const object of clusterObjectsOf(MEASURED))
      cluster.objects().put(object);
    console.log(
      `fleet read: ${
        ENTITIES * RELEASES_PER_ENTITY
      } releases of ${ENTITIES} entities on PostgreSQL, ` +
        `with cluster statuses (seeded in ${(
          (performance.now() - seedStart) /
          1000
        ).toFixed(1)} s); ` +
        `measured entity ${serviceId(
          MEASURED,
        )}: ${RELEASES_PER_ENTITY} releases, ` +
        `${clusterObjectsOf(MEASURED).length} cluster objects`,
    );
    started = await startBackend(databases.config, cluster);
    const { baseUrl } = started;
    const failures = await checkAnswers(baseUrl);

    for (const [route, why] of Object.entries(failures)) {
      console.log(`  ${route}: NOT MEASURED, it answers wrongly: ${why}`);
    }
    const rows: Row[] = [];
    const routes: Array<[string, HttpCall]> = [
      ['gitops entity', entityRead()],
      ['kubernetes', kubernetesRead()],
      ['gitops environments', environmentsRead()],
    ];
    console.log(
      `  ${REQUESTS} requests per setting (at most ${SECONDS_PER_SETTING} s) after ${WARM_UP} warm-up, keep-alive, ms`,
    );
    console.log(
      '  cluster  clients  route                  requests      p50      p99      max   req/s  errors',
    );
    // Each row is printed as it is measured, so a run cut short keeps its figures.
    for (const latencyMs of LATENCIES_MS) {
      cluster.setLatency(latencyMs);
      for (const concurrency of CONCURRENCIES) {
        for (const [route, call] of routes) {
          if (failures[route]) continue;
          const result = await measure(baseUrl, call, concurrency);
          rows.push({ latencyMs, concurrency, route, result });
          console.log(
            `  ${`${latencyMs} ms`.padEnd(7)}  ${String(concurrency).padStart(
              7,
            )}  ${route.padEnd(20)} ${String(result.requests).padStart(9)} ${ms(
              result.p50,
            )} ${ms(result.p99)} ${ms(result.max)} ${result.throughput
              .toFixed(0)
              .padStart(7)} ${String(result.errors).padStart(7)}${
              result.firstError
                ? `  first: ${result.firstError.slice(0, 160)}`
                : ''
            }`,
          );
        }
      }
    }
    const p99 = (latencyMs: number, concurrency: number, route: string) =>
      rows.find(
        row =>
          row.latencyMs === latencyMs &&
          row.concurrency === concurrency &&
          row.route === route,
      )?.result.p99 ?? NaN;
    console.log(
      '  ratios (p99)                 kubernetes/gitops entity (goal >= 5)   gitops entity/environments (goal <= 3)',
    );
    for (const latencyMs of LATENCIES_MS) {
      for (const concurrency of CONCURRENCIES) {
        const entity = p99(latencyMs, concurrency, 'gitops entity');
        const k8s = p99(latencyMs, concurrency, 'kubernetes') / entity;
        const environments =
          entity / p99(latencyMs, concurrency, 'gitops environments');
        console.log(
          `  cluster ${`${latencyMs} ms`.padEnd(5)}, ${String(
            concurrency,
          ).padStart(2)} clients     ${k8s.toFixed(2).padStart(6)} ${
            k8s >= 5 ? 'met    ' : 'NOT MET'
          }                      ${environments.toFixed(2).padStart(6)} ${
            environments <= 3 ? 'met' : 'NOT MET'
          }`,
        );
      }
    }
    if (Object.keys(failures).length > 0) {
      throw new Error(
        `fleet read: ${Object.keys(failures).join(
          ', ',
        )} answered wrongly (see above)`,
      );
    }
  } finally {
    await started?.backend.stop();
    await cluster.stop();
    await databases.drop();
  }
}

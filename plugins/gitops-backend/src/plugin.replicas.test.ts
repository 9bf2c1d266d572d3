import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockServices,
  startTestBackend,
  TestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  KubernetesDouble,
  startKubernetesDouble,
} from '@backstage-gitops/kubernetes-double';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory, { Knex } from 'knex';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exampleConfigRepoFiles } from './__testUtils__/exampleConfigRepo';
import {
  createTestRemote,
  runTestGit,
  TestFiles,
  TestRemote,
} from './git/__testUtils__';
import { pushTestImage } from './registry/__testUtils__/pushTestImage';
import {
  startTestRegistry,
  TestRegistry,
} from './registry/__testUtils__/startTestRegistry';
import { gitopsPlugin } from './plugin';

jest.setTimeout(120_000);

const POSTGRES = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const IMAGE = 'stefanprodan/podinfo';
const DEV_FILE = 'releases/dev/podinfo.yaml';
const HELM_RELEASE_DELETE =
  'DELETE /apis/helm.fluxcd.io/v1/namespaces/{namespace}/helmreleases/{name}';

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Two replicas of the backend, each with its own git mirrors and database
 * pool, on one PostgreSQL database with Backstage's real, database-backed
 * scheduler: what a production deployment with two pods runs. Every global
 * task must run once per cycle across both.
 */
describe('gitopsPlugin on two replicas sharing one PostgreSQL', () => {
  if (!process.env[POSTGRES]) {
    throw new Error(`${POSTGRES} is not set: this test needs PostgreSQL.`);
  }
  const databases = TestDatabases.create({
    ids: ['POSTGRES_15'],
    disableDocker: true,
  });
  let registry: TestRegistry;
  let remote: TestRemote;
  let double: KubernetesDouble;
  let workDir: string;
  const backends: TestBackend[] = [];
  const pools: Knex[] = [];

  beforeAll(async () => {
    registry = await startTestRegistry();
    await pushTestImage(registry, {
      repository: IMAGE,
      tag: 'dev-kb9lm91e',
      created: '2026-11-03T10:00:00Z',
    });
    double = await startKubernetesDouble({ namespaces: ['dev'] });
    remote = await createTestRemote();
    const seed = await exampleConfigRepoFiles();
    // Two more releases in dev, so that removing one is a third of the
    // environment, well under the prune guard's share.
    const sibling = (name: string) =>
      seed[DEV_FILE].replace(/podinfo-dev/g, name).replace(
        '    fluxcd.io/automated: "true"\n',
        '',
      );
    await remote.commit(
      {
        ...(seed as TestFiles),
        'releases/dev/worker.yaml': sibling('worker'),
        'releases/dev/cron.yaml': sibling('cron'),
      },
      'Import',
    );
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-replicas-'));
  });

  afterAll(async () => {
    for (const backend of backends) await backend.stop();
    for (const pool of pools) await pool.destroy();
    await double?.stop();
    await registry?.stop();
    await remote?.remove();
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  });

  const fast = { seconds: 1 };
  const config = (replica: string) => ({
    backend: { workingDirectory: path.join(workDir, replica) },
    gitops: {
      repositories: [
        {
          id: 'config',
          url: remote.url,
          branch: 'main',
          schedule: {
            frequency: fast,
            timeout: { seconds: 30 },
            initialDelay: { seconds: 0 },
          },
        },
      ],
      environments: [
        {
          name: 'dev',
          repository: 'config',
          cluster: 'demo',
          apply: true,
          prune: true,
          order: 1,
        },
      ],
      helmReconcile: {
        schedule: {
          frequency: fast,
          timeout: { seconds: 30 },
          initialDelay: { seconds: 0 },
        },
        gracePeriod: { seconds: 0 },
      },
      registries: [{ host: 'docker.io', url: registry.url }],
      imageAutomation: {
        schedule: {
          frequency: fast,
          timeout: { seconds: 30 },
          initialDelay: { seconds: 0 },
        },
      },
    },
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'demo',
              url: double.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: double.token,
              skipTLSVerify: true,
            },
          ],
        },
      ],
    },
  });

  const subjects = async () =>
    (
      await runTestGit([
        `--git-dir=${remote.path}`,
        'log',
        '--format=%s',
        'main',
      ])
    ).split('\n');
  const liveHelmRelease = (name: string) =>
    double.objects().get('helm.fluxcd.io/v1', 'HelmRelease', name, 'dev');

  it('commits each new image once and prunes each removed release once', async () => {
    const first = await databases.init('POSTGRES_15');
    pools.push(first);
    // The second replica's own pool on the same database, as another pod would have.
    const second = knexFactory(first.client.config);
    pools.push(second);
    for (const [replica, knex] of [
      ['a', first],
      ['b', second],
    ] as const) {
      backends.push(
        await startTestBackend({
          features: [
            gitopsPlugin,
            catalogServiceMock.factory(),
            mockServices.database.factory({ knex }),
            mockServices.rootConfig.factory({ data: config(replica) }),
            schedulerServiceFactory,
          ],
        }),
      );
    }

    // Both replicas up, git synced and the three releases applied.
    await waitFor('the dev releases in the cluster', async () =>
      liveHelmRelease('cron') &&
      liveHelmRelease('worker') &&
      liveHelmRelease('podinfo-dev')
        ? true
        : undefined,
    );

    await pushTestImage(registry, {
      repository: IMAGE,
      tag: 'dev-newer111',
      created: '2026-11-20T10:00:00Z',
    });
    const autoRelease = `Auto-release ${IMAGE}:dev-newer111`;
    await waitFor('the automation commit', async () =>
      (await subjects()).includes(autoRelease) ? true : undefined,
    );
    // Several more cycles of both replicas: still exactly one commit.
    await sleep(5_000);
    expect(
      (await subjects()).filter(s => s.startsWith('Auto-release')),
    ).toEqual([autoRelease]);

    double.resetRequests();
    await remote.commit({ 'releases/dev/cron.yaml': null }, 'Retire cron');
    await waitFor('cron to be pruned', async () =>
      liveHelmRelease('cron') ? undefined : true,
    );
    await sleep(5_000);
    expect(double.requests().byRoute[HELM_RELEASE_DELETE]).toBe(1);
    expect(liveHelmRelease('worker')).toBeDefined();
    expect(liveHelmRelease('podinfo-dev')).toBeDefined();
  });
});

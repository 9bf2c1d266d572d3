import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import eventsPlugin from '@backstage/plugin-events-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import fs from 'node:fs/promises';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { exampleConfigRepoFiles } from '../__testUtils__/exampleConfigRepo';
import {
  createTestRemote,
  runTestGit,
  TestFiles,
  TestRemote,
} from '../git/__testUtils__';
import { gitopsPlugin } from '../plugin';
import { pushTestImage } from '../registry/__testUtils__/pushTestImage';
import {
  startTestRegistry,
  TestRegistry,
} from '../registry/__testUtils__/startTestRegistry';
import { gitopsEventsModule } from './module';

jest.setTimeout(180_000);

const TOKEN = 'registry-test-token';
const IMAGE = 'stefanprodan/podinfo';
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * A real docker-registry configured to notify the events backend's
 * gitops.registry ingress with the token: a pushed tag is scanned at once,
 * while the scheduled automation waits an hour.
 */
describe('registry notifications', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let registry: TestRegistry;
  let remote: TestRemote;
  let workDir: string;
  let backend: TestBackend | undefined;
  let knex: Knex;
  let relay: http.Server;
  const later = {
    frequency: { hours: 1 },
    timeout: { minutes: 1 },
    initialDelay: { hours: 1 },
  };

  beforeAll(async () => {
    // The registry starts before the backend, whose port is not known yet:
    // it notifies this relay, which forwards to the backend once it runs.
    relay = http.createServer((req, res) => {
      if (!backend) {
        res.writeHead(202).end();
        return;
      }
      const { port } = backend.server.address() as AddressInfo;
      const forward = http.request(
        {
          host: '127.0.0.1',
          port,
          path: `/api/events/http/gitops.registry`,
          method: 'POST',
          headers: req.headers,
        },
        answer => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
    });
    await new Promise<void>(resolve => relay.listen(0, '127.0.0.1', resolve));
    const relayPort = (relay.address() as AddressInfo).port;
    registry = await startTestRegistry({
      notifications: {
        url: `http://127.0.0.1:${relayPort}/`,
        headers: { Authorization: `Bearer ${TOKEN}` },
      },
    });
    await pushTestImage(registry, {
      repository: IMAGE,
      tag: 'dev-kb9lm91e',
      created: '2026-11-03T10:00:00Z',
    });

    remote = await createTestRemote();
    await remote.commit(
      (await exampleConfigRepoFiles()) as TestFiles,
      'Import',
    );
    workDir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'gitops-registry-events-'),
    );
    knex = await databases.init('SQLITE_3');
    backend = await startTestBackend({
      features: [
        gitopsPlugin,
        eventsPlugin,
        gitopsEventsModule,
        eventsServiceFactory,
        catalogServiceMock.factory(),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: workDir },
            gitops: {
              repositories: [
                {
                  id: 'config',
                  url: remote.url,
                  branch: 'main',
                  schedule: later,
                },
              ],
              registries: [{ host: 'docker.io', url: registry.url }],
              imageAutomation: { schedule: later },
              helmReconcile: { schedule: later },
              events: { registry: { token: TOKEN, hosts: ['docker.io'] } },
            },
          },
        }),
      ],
    });
    // The test backend's scheduler runs nothing on its own: sync once by hand.
    const synced = await request(backend.server)
      .post('/api/gitops/sync')
      .set('authorization', mockCredentials.user.header())
      .send({});
    if (synced.status !== 202)
      throw new Error(`The first sync was refused: ${synced.status}`);
    await waitFor(
      'the first sync',
      async () =>
        (
          await knex('gitops_repositories').where({ id: 'config' }).first()
        )?.last_commit ?? undefined,
    );
  });

  afterAll(async () => {
    await backend?.stop();
    await registry?.stop();
    await new Promise(resolve => relay?.close(resolve));
    await remote?.remove();
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  });

  const latestTag = async (name: string): Promise<string | undefined> =>
    (await knex('gitops_image_status').where({ name }).first())?.latest_tag ??
    undefined;

  it('scans a pushed image at once and moves the automated release', async () => {
    expect(await latestTag('podinfo-dev')).toBeUndefined();
    const started = Date.now();
    await pushTestImage(registry, {
      repository: IMAGE,
      tag: 'dev-next',
      created: '2026-11-10T10:00:00Z',
    });
    await waitFor('the scan of the pushed tag', async () =>
      (await latestTag('podinfo-dev')) === 'dev-next' ? true : undefined,
    );
    // The registry notifies within a second; the schedule waits an hour.
    expect(Date.now() - started).toBeLessThan(10_000);
    // The move is committed too, and the push synced at once.
    const subject = await waitFor('the Auto-release commit', async () => {
      const last = await runTestGit([
        `--git-dir=${remote.path}`,
        'log',
        '-1',
        '--format=%s',
        'main',
      ]);
      return last.includes('dev-next') ? last : undefined;
    });
    expect(subject).toMatch(/^Auto-release/);
  });

  it('refuses notifications without the token, and ignores images no release deploys', async () => {
    const body = {
      events: [{ action: 'push', target: { repository: 'org/unknown' } }],
    };
    const missing = await request(backend!.server)
      .post('/api/events/http/gitops.registry')
      .send(body);
    expect(missing.status).toBe(401);
    const wrong = await request(backend!.server)
      .post('/api/events/http/gitops.registry')
      .set('authorization', 'Bearer not-the-token')
      .send(body);
    expect(wrong.status).toBe(401);
    const unknown = await request(backend!.server)
      .post('/api/events/http/gitops.registry')
      .set('authorization', `Bearer ${TOKEN}`)
      .set('content-type', 'application/vnd.docker.distribution.events.v1+json')
      .send(JSON.stringify(body));
    expect(unknown.status).toBe(202);
    await sleep(500);
    expect(
      await knex('gitops_image_status')
        .whereNot({ name: 'podinfo-dev' })
        .andWhere('latest_tag', 'like', '%unknown%'),
    ).toEqual([]);
  });
});

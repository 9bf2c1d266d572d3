/*
 * The page-view read path: GET /environments through the plugin's router and
 * store, against a floor that serves the same rows from the same SQLite table
 * with a bare knex query and res.json. Both are measured in this run, so the
 * ratio is the cost the plugin adds on top of the database and HTTP. Each
 * environment holds one release, as the plugin lists only environments the
 * caller may read a release of (one batched permission check per request).
 */
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import { Knex } from 'knex';
import { AddressInfo } from 'node:net';
import { SyncStateStore } from '../src/database/SyncStateStore';
import { createMemoryStore } from '../src/__testUtils__/memoryStore';
import { ActionPrincipals } from '../src/permissions/ActionPrincipals';
import { ReleaseService } from '../src/service/ReleaseService';
import {
  PruneConfirmations,
  ReconcileRequests,
  ReleaseLocks,
  ReleasePromotions,
} from '../src/actions';
import { createRouter } from '../src/service/router';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

const ENVIRONMENTS = 50;
const REQUESTS = 2000;

async function seed(knex: Knex) {
  await knex('gitops_repositories').insert({
    id: 'config',
    url: 'file:///srv/config.git',
    branch: 'main',
  });
  const rows = Array.from({ length: ENVIRONMENTS }, (_, i) => ({
    name: `env-${String(i).padStart(3, '0')}`,
    repository_id: 'config',
    path: `releases/env-${i}`,
    cluster: 'demo',
    order: i,
  }));
  await knex.batchInsert('gitops_environments', rows, 25);
}

async function seedReleases(syncStateStore: SyncStateStore) {
  await syncStateStore.applySync({
    repositoryId: 'config',
    commit: 'c0ffee',
    syncedAt: new Date('2026-11-25T10:00:00Z'),
    full: true,
    replacedPaths: [],
    releases: Array.from({ length: ENVIRONMENTS }, (_, i) => {
      const environment = `env-${String(i).padStart(3, '0')}`;
      return {
        repository: 'config',
        environment,
        namespace: environment,
        name: 'podinfo',
        releaseName: 'podinfo',
        apiVersion: 'helm.fluxcd.io/v1',
        chart: { type: 'git' as const, git: 'file:///srv/config.git', path: 'charts/podinfo' },
        chartName: 'podinfo',
        chartPath: 'charts/podinfo',
        labels: {},
        annotations: {},
        automated: false,
        locked: false,
        images: [],
        sourcePath: `releases/env-${i}/podinfo.yaml`,
        spec: { values: {} },
        commit: 'c0ffee',
        updatedAt: '2026-11-25T10:00:00.000Z',
      };
    }),
    problems: [],
    events: [],
  });
}

async function serve(app: express.Express) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

async function time(url: string): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) {
    const response = await fetch(`${url}/environments`, {
      headers: { authorization: 'Bearer mock-user-token' },
    });
    const body = await response.json();
    if (!response.ok || body.items.length !== ENVIRONMENTS) {
      throw new Error(`unexpected answer ${response.status}`);
    }
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function run() {
  const { knex, syncStateStore, clusterStateStore, eventStore } =
    await createMemoryStore();
  await seed(knex);
  await seedReleases(syncStateStore);

  const plugin = await serve(
    express().use(
      await createRouter({
        eventStore,
        releases: new ReleaseService({
          syncStateStore,
          clusterStateStore,
          eventStore,
          catalog: catalogServiceMock(),
          permissions: mockServices.permissions(),
        }),
        sync: { trigger: async () => [] },
        reconcileRequests: {} as ReconcileRequests,
        pruneConfirmations: {} as PruneConfirmations,
        promotions: {} as ReleasePromotions,
        locks: {} as ReleaseLocks,
        actionPrincipals: new ActionPrincipals(mockServices.auth(), []),
        httpAuth: mockServices.httpAuth(),
        auth: mockServices.auth(),
        permissions: mockServices.permissions(),
        auditor: {
          createEvent: async () => ({
            success: async () => {},
            fail: async () => {},
          }),
        },
      }),
    ),
  );
  const floor = await serve(
    express().get('/environments', async (_req, res) => {
      res.json({ items: await knex('gitops_environments').orderBy('order') });
    }),
  );

  // One warm-up pass each, then the measured passes.
  await time(floor.url);
  await time(plugin.url);
  const floorMs = await time(floor.url);
  const pluginMs = await time(plugin.url);

  console.log(
    `environments read (${ENVIRONMENTS} environments, ${REQUESTS} sequential requests)`,
  );
  console.log(
    `  floor  (bare knex + express): ${floorMs.toFixed(0)} ms, ${(
      floorMs / REQUESTS
    ).toFixed(3)} ms/request`,
  );
  console.log(
    `  plugin (router + store):      ${pluginMs.toFixed(0)} ms, ${(
      pluginMs / REQUESTS
    ).toFixed(3)} ms/request`,
  );
  console.log(`  ratio plugin/floor: ${(pluginMs / floorMs).toFixed(2)}`);

  plugin.server.close();
  floor.server.close();
  await knex.destroy();
}

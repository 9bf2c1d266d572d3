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
import {
  chartRelease,
  storeFirstSync,
} from '../src/__testUtils__/releaseRecord';
import { ReleaseService } from '../src/service/ReleaseService';
import { createReadOnlyRouter } from '../src/service/__testUtils__/readOnlyRouter';
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
  await storeFirstSync(
    syncStateStore,
    Array.from({ length: ENVIRONMENTS }, (_, i) =>
      chartRelease(`env-${String(i).padStart(3, '0')}`, 'podinfo', {
        name: 'podinfo',
        releaseName: 'podinfo',
        chart: {
          type: 'git',
          git: 'file:///srv/config.git',
          path: 'charts/podinfo',
        },
        chartVersion: undefined,
        sourcePath: `releases/env-${i}/podinfo.yaml`,
      }),
    ),
  );
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
      await createReadOnlyRouter({
        eventStore,
        releases: new ReleaseService({
          syncStateStore,
          clusterStateStore,
          eventStore,
          catalog: catalogServiceMock(),
          permissions: mockServices.permissions(),
        }),
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

import { mockServices } from '@backstage/backend-test-utils';
import net from 'node:net';
import {
  ActionsFixture,
  createActionsFixture,
} from '../actions/__testUtils__/actionsFixture';
import { ReleaseLocks } from '../actions/ReleaseLocks';
import { RepositoryWriter } from '../actions/RepositoryWriter';
import { ImageAutomation } from '../automation/ImageAutomation';
import { ImageScanner } from '../registry';
import { InMemoryImageMetadataCache } from '../registry/__testUtils__/InMemoryImageMetadataCache';
import { createReconcileFixture } from '../reconcile/__testUtils__/reconcileFixture';
import { RepositorySync } from '../sync/RepositorySync';
import { exampleConfigRepoFiles } from '../__testUtils__/exampleConfigRepo';
import { GITOPS_METRICS } from './GitopsMetrics';
import { createTestMetrics } from './__testUtils__/testMeter';

jest.setTimeout(90_000);

const STG = { environment: 'stg', namespace: 'stg', name: 'podinfo-rc' };

/** A loopback port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe('the loops, measured', () => {
  const logger = mockServices.logger.mock();
  let test: ReturnType<typeof createTestMetrics>;
  let fx: ActionsFixture | undefined;

  beforeEach(() => {
    test = createTestMetrics();
  });

  afterEach(async () => {
    await fx?.cleanup();
    fx = undefined;
    await test.shutdown();
  });

  function automation(fixture: ActionsFixture, registryUrl: string) {
    const { metrics } = test;
    return new ImageAutomation({
      repository: fixture.repository,
      git: fixture.git('automation'),
      syncStateStore: fixture.syncStateStore,
      imageStatusStore: fixture.imageStatusStore,
      eventStore: fixture.eventStore,
      images: new ImageScanner({
        registries: [{ host: 'docker.io', url: registryUrl }],
        cache: new InMemoryImageMetadataCache(),
        logger,
        metrics,
      }),
      logger,
      metrics,
    });
  }

  it('times each sync by outcome and counts lock and unlock commits', async () => {
    fx = await createActionsFixture();
    const { metrics } = test;
    const sync = new RepositorySync({
      repository: fx.repository,
      environments: ['dev', 'stg', 'prod', 'adm'].map((name, i) => ({
        name,
        repository: 'config',
        path: `releases/${name}`,
        order: i + 1,
        apply: false,
        prune: false,
      })),
      git: fx.git('metered-sync'),
      syncStateStore: fx.syncStateStore,
      logger,
      metrics,
    });
    expect((await sync.run()).status).toBe('unchanged');

    const fixture = fx;
    const locks = new ReleaseLocks({
      syncStateStore: fx.syncStateStore,
      eventStore: fx.eventStore,
      writers: () =>
        new RepositoryWriter({
          repository: fixture.repository,
          git: fixture.git(),
          logger,
          metrics,
        }),
    });
    await locks.lock(STG, { actor: 'user:default/bob' });
    // Already locked at the head: nothing pushed, nothing counted.
    await locks.lock(STG, { actor: 'user:default/bob' });
    await locks.unlock(STG, { actor: 'user:default/bob' });
    expect((await sync.run()).status).toBe('synced');

    const syncs = await test.histograms(GITOPS_METRICS.syncDuration);
    expect(syncs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          attributes: { repository: 'config', outcome: 'unchanged' },
          count: 1,
        }),
        expect.objectContaining({
          attributes: { repository: 'config', outcome: 'synced' },
          count: 1,
        }),
      ]),
    );
    expect(syncs).toHaveLength(2);
    // Seconds, not milliseconds: a sync of the small example repository takes well under a minute.
    for (const { sum } of syncs) expect(sum).toBeGreaterThan(0);
    for (const { sum } of syncs) expect(sum).toBeLessThan(60);

    expect(await test.values(GITOPS_METRICS.commits)).toEqual(
      expect.arrayContaining([
        { attributes: { repository: 'config', reason: 'lock' }, value: 1 },
        { attributes: { repository: 'config', reason: 'unlock' }, value: 1 },
      ]),
    );
    expect(await test.values(GITOPS_METRICS.commits)).toHaveLength(2);
  });

  it('counts requests to an unreachable registry as errors under its configured host', async () => {
    fx = await createActionsFixture();
    const head = await fx.remote.head();
    const outcome = await automation(
      fx,
      `http://127.0.0.1:${await closedPort()}`,
    ).run();
    expect(outcome.status).toBe('unchanged');
    expect(await fx.remote.head()).toBe(head);

    const requests = await test.values(GITOPS_METRICS.registryRequests);
    expect(requests).toEqual([
      {
        attributes: { registry: 'docker.io', outcome: 'error' },
        value: expect.any(Number),
      },
    ]);
    expect(requests[0].value).toBeGreaterThan(0);
    expect(await test.histograms(GITOPS_METRICS.imageScanDuration)).toEqual([
      expect.objectContaining({
        attributes: { repository: 'config', outcome: 'unchanged' },
        count: 1,
      }),
    ]);
    expect(await test.values(GITOPS_METRICS.commits)).toEqual([]);
  });

  it("counts image automation's commit and the registry's answers", async () => {
    fx = await createActionsFixture({ registry: true });
    for (const [tag, created] of [
      ['dev-kb9lm91e', '2026-11-03T10:00:00Z'],
      ['stg-9ij63o4c', '2026-11-02T10:00:00Z'],
      ['0.4.10', '2026-11-01T10:00:00Z'],
      ['dev-newer111', '2026-11-20T10:00:00Z'],
    ]) {
      await fx.push(tag, created);
    }
    const outcome = await automation(fx, fx.registry!.url).run();
    expect(outcome.status).toBe('committed');

    expect(await test.values(GITOPS_METRICS.commits)).toEqual([
      { attributes: { repository: 'config', reason: 'automation' }, value: 1 },
    ]);
    const requests = await test.values(GITOPS_METRICS.registryRequests);
    expect(requests).toContainEqual({
      attributes: { registry: 'docker.io', outcome: 'ok' },
      value: expect.any(Number),
    });
    expect(requests.every(r => r.attributes.registry === 'docker.io')).toBe(
      true,
    );
    expect(await test.histograms(GITOPS_METRICS.imageScanDuration)).toEqual([
      expect.objectContaining({
        attributes: { repository: 'config', outcome: 'committed' },
        count: 1,
      }),
    ]);
  });

  it('times each reconcile per cluster, counts its cluster calls, and gauges releases by state', async () => {
    const fixture = await createReconcileFixture({
      files: await exampleConfigRepoFiles(),
      environments: ['dev', 'stg', 'prod'],
      metrics: test.metrics,
    });
    try {
      expect((await fixture.cycle()).status).toBe('reconciled');
      const stop = test.metrics.observeReleases(() =>
        fixture.clusterStateStore.countReleaseStates(),
      );

      expect(await test.histograms(GITOPS_METRICS.reconcileDuration)).toEqual([
        expect.objectContaining({
          attributes: { cluster: 'demo', outcome: 'reconciled' },
          count: 1,
        }),
      ]);
      const calls = await test.values(GITOPS_METRICS.clusterRequests);
      expect(calls).toContainEqual({
        attributes: {
          cluster: 'demo',
          operation: 'listHelmReleases',
          outcome: 'ok',
        },
        value: expect.any(Number),
      });
      expect(calls.every(c => c.attributes.outcome === 'ok')).toBe(true);

      // The gauge says what the store holds: one status per release, by environment and state.
      const statuses = await fixture.clusterStateStore.listReleaseStatuses(
        'demo',
      );
      const expected = new Map<string, number>();
      for (const s of statuses) {
        const key = `${s.environment} ${s.state}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      const gauged = await test.values(GITOPS_METRICS.releases);
      expect(statuses.length).toBeGreaterThan(0);
      expect(
        new Map(
          gauged.map(g => [
            `${g.attributes.environment} ${g.attributes.state}`,
            g.value,
          ]),
        ),
      ).toEqual(expected);
      stop();

      // An unreachable cluster: the cycle fails and its calls count as errors.
      await fixture.double.stop();
      expect((await fixture.reconciler.run()).status).toBe('failed');
      expect(await test.histograms(GITOPS_METRICS.reconcileDuration)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            attributes: { cluster: 'demo', outcome: 'failed' },
            count: 1,
          }),
        ]),
      );
      expect(
        (await test.values(GITOPS_METRICS.clusterRequests)).some(
          c => c.attributes.outcome === 'error',
        ),
      ).toBe(true);
    } finally {
      await fixture.close();
    }
  });
});

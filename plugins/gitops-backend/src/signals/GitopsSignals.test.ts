import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { SignalPayload, SignalsService } from '@backstage/plugin-signals-node';
import {
  GITOPS_ANNOTATION_HELM_CHART,
  GITOPS_ANNOTATION_IMAGE,
  GITOPS_ANNOTATION_RELEASE_SELECTOR,
  GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL,
} from '@backstage-gitops/plugin-gitops-common';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import { chartRelease } from '../__testUtils__/releaseRecord';
import { GitopsStores, NewEvent, ReleaseRecord, SyncRecord } from '../database';
import { ReconcileRecord } from '../database/ClusterStateStore';
import { EntityIndex } from './EntityIndex';
import { GitopsSignals } from './GitopsSignals';
import { observeGitopsStores } from './observedStores';

const component = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { namespace: 'default', name, annotations },
  spec: {},
});

const ENTITIES = [
  component('podinfo', { [GITOPS_ANNOTATION_HELM_CHART]: 'podinfo' }),
  component('Worker', { [GITOPS_ANNOTATION_IMAGE]: 'ghcr.io/org/worker' }),
  component('billing', {
    [GITOPS_ANNOTATION_RELEASE_SELECTOR]: 'team=billing',
  }),
  component('unlinked', {}),
];

const worker = (overrides: Partial<ReleaseRecord> = {}) =>
  chartRelease('dev', 'worker', {
    images: [
      {
        container: 'app',
        registry: 'ghcr.io',
        repository: 'org/worker',
        tag: '1.0.0',
        paths: { tag: 'image.tag' },
      },
    ],
    ...overrides,
  });

const releaseEvent = (
  type: 'release-added' | 'release-updated' | 'release-removed',
  r: ReleaseRecord,
): NewEvent => ({
  type,
  repository: 'config',
  environment: r.environment,
  namespace: r.namespace,
  name: r.name,
  at: new Date(),
});

const syncedEvent = (commit: string): NewEvent => ({
  type: 'synced',
  repository: 'config',
  commit,
  at: new Date(),
});

const sync = (commit: string, overrides: Partial<SyncRecord>): SyncRecord => ({
  repositoryId: 'config',
  commit,
  syncedAt: new Date(),
  full: false,
  replacedPaths: [],
  releases: [],
  problems: [],
  events: [],
  ...overrides,
});

describe('live card signals', () => {
  let raw: Awaited<ReturnType<typeof createMemoryStore>>;
  let stores: GitopsStores;
  let published: SignalPayload[];
  let liveCards: GitopsSignals;
  let catalogReads: number;

  /** The channels signalled since the last call, in order. */
  async function signalled(): Promise<string[]> {
    await liveCards.flush();
    const channels = published.map(p => p.channel);
    published = [];
    return channels;
  }

  beforeEach(async () => {
    raw = await createMemoryStore();
    published = [];
    const signals: SignalsService = {
      publish: async signal => {
        published.push(signal as SignalPayload);
      },
    };
    const catalog = catalogServiceMock({ entities: ENTITIES });
    catalogReads = 0;
    const queryEntities = catalog.queryEntities.bind(catalog);
    catalog.queryEntities = async (...args) => {
      catalogReads += 1;
      return queryEntities(...args);
    };
    liveCards = new GitopsSignals({
      signals,
      entities: new EntityIndex({
        catalog,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
      }),
      syncStateStore: raw.syncStateStore,
      logger: mockServices.logger.mock(),
      // Flushed by hand.
      debounceMs: 60_000,
    });
    stores = observeGitopsStores(raw, liveCards);
    await raw.syncStateStore.ensureRepository({
      id: 'config',
      url: 'file:///c.git',
      branch: 'main',
    });
    await raw.syncStateStore.replaceEnvironments('config', [
      {
        name: 'dev',
        repository: 'config',
        path: 'releases/dev',
        cluster: 'demo',
        order: 1,
      },
    ]);
    await raw.syncStateStore.applySync(
      sync('c1', {
        full: true,
        releases: [
          chartRelease('dev', 'podinfo'),
          worker(),
          chartRelease('dev', 'ledger', { labels: { team: 'billing' } }),
        ],
      }),
    );
  });

  afterEach(async () => {
    liveCards.close();
    await raw.knex.destroy();
  });

  it('signals exactly the entities whose releases a sync changed, once each, and the environments', async () => {
    const podinfo = chartRelease('dev', 'podinfo', { chartVersion: '0.3.0' });
    const next = worker({ spec: { values: { replicas: 2 } } });
    await stores.syncStateStore.applySync(
      sync('c2', {
        replacedPaths: [podinfo.sourcePath, next.sourcePath],
        releases: [podinfo, next],
        events: [
          releaseEvent('release-updated', podinfo),
          releaseEvent('release-updated', next),
          syncedEvent('c2'),
        ],
      }),
    );
    // Reported twice within one batch, still one signal per entity.
    liveCards.releasesChanged([podinfo]);
    expect(await signalled()).toEqual([
      'gitops:entity:component:default/podinfo',
      'gitops:entity:component:default/worker',
      GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL,
    ]);
    expect(published).toEqual([]);
  });

  it('signals each entity once for a sync of thousands of releases', async () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      chartRelease('dev', 'podinfo', {
        name: `podinfo-${i}`,
        sourcePath: `releases/dev/podinfo-${i}.yaml`,
      }),
    );
    const updated = many.map(r => ({ ...r, chartVersion: '0.3.0' }));
    await raw.syncStateStore.applySync(sync('c2', { releases: many }));
    await stores.syncStateStore.applySync(
      sync('c3', {
        replacedPaths: updated.map(r => r.sourcePath),
        releases: updated,
        events: [
          ...updated.map(r => releaseEvent('release-updated', r)),
          syncedEvent('c3'),
        ],
      }),
    );
    expect(await signalled()).toEqual([
      'gitops:entity:component:default/podinfo',
      GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL,
    ]);
    expect(catalogReads).toBe(1);
  });

  it('carries no release data in its messages', async () => {
    const podinfo = chartRelease('dev', 'podinfo', { chartVersion: '0.3.0' });
    await stores.syncStateStore.applySync(
      sync('c2', {
        replacedPaths: [podinfo.sourcePath],
        releases: [podinfo],
        events: [releaseEvent('release-updated', podinfo), syncedEvent('c2')],
      }),
    );
    await liveCards.flush();
    expect(published.map(p => [p.recipients, p.message])).toEqual([
      [{ type: 'broadcast' }, { type: 'changed' }],
      [{ type: 'broadcast' }, { type: 'changed', environments: ['dev'] }],
    ]);
  });

  it('signals the entity a release stops matching, from its state before the sync', async () => {
    const moved = chartRelease('dev', 'ledger', {
      labels: { team: 'payments' },
    });
    await stores.syncStateStore.applySync(
      sync('c2', {
        replacedPaths: [moved.sourcePath],
        releases: [moved],
        events: [releaseEvent('release-updated', moved)],
      }),
    );
    expect(await signalled()).toEqual([
      'gitops:entity:component:default/billing',
    ]);
  });

  it('signals the entity of a removed release', async () => {
    const gone = worker();
    await stores.syncStateStore.applySync(
      sync('c2', {
        replacedPaths: [gone.sourcePath],
        events: [releaseEvent('release-removed', gone)],
      }),
    );
    expect(await signalled()).toEqual([
      'gitops:entity:component:default/worker',
    ]);
  });

  it('signals nothing for a sync that stores nothing new', async () => {
    await stores.syncStateStore.applySync(sync('c1', {}));
    expect(await signalled()).toEqual([]);
    expect(catalogReads).toBe(0);
  });

  const reconcile = (overrides: Partial<ReconcileRecord>): ReconcileRecord => ({
    cluster: 'demo',
    at: new Date(),
    statuses: [],
    removed: [],
    histories: [],
    events: [],
    environmentFlux: [
      {
        environment: 'dev',
        cluster: 'demo',
        kustomization: {
          namespace: 'flux-system',
          name: 'dev',
          suspended: false,
        },
        observedAt: new Date().toISOString(),
      },
    ],
    ...overrides,
  });

  it('signals the entity whose release status a reconcile changed, and nothing for a cycle that changes nothing', async () => {
    await stores.clusterStateStore.ensureClusters([{ name: 'demo' }]);
    const status = {
      environment: 'dev',
      namespace: 'dev',
      name: 'worker-dev',
      cluster: 'demo',
      state: 'Synced' as const,
      reason: 'as in git',
      differences: [],
    };
    await stores.clusterStateStore.applyReconcile(
      reconcile({ statuses: [status] }),
    );
    expect(await signalled()).toEqual([
      'gitops:entity:component:default/worker',
      // The Flux status was seen for the first time.
      GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL,
    ]);

    // The reconciler writes only changed statuses; the Flux status is the same, observed later.
    await new Promise(resolve => setTimeout(resolve, 5));
    await stores.clusterStateStore.applyReconcile(reconcile({}));
    expect(await signalled()).toEqual([]);
  });

  it('signals the environments when their Flux status changes or their cluster fails and recovers', async () => {
    await stores.clusterStateStore.ensureClusters([{ name: 'demo' }]);
    await stores.clusterStateStore.applyReconcile(reconcile({}));
    await signalled();

    const suspended = reconcile({});
    suspended.environmentFlux![0].kustomization!.suspended = true;
    await stores.clusterStateStore.applyReconcile(suspended);
    expect(await signalled()).toEqual([GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL]);

    await stores.clusterStateStore.recordClusterFailure(
      'demo',
      'unreachable',
      new Date(),
    );
    expect(await signalled()).toEqual([GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL]);
    // The same failure again changes nothing.
    await stores.clusterStateStore.recordClusterFailure(
      'demo',
      'unreachable',
      new Date(),
    );
    expect(await signalled()).toEqual([]);
    await stores.clusterStateStore.applyReconcile(suspended);
    expect(await signalled()).toEqual([GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL]);
  });

  it('signals an image status change, but not the same status checked again', async () => {
    const status = (latestTag: string, checkedAt: string) => [
      {
        environment: 'dev',
        namespace: 'dev',
        name: 'worker-dev',
        repositoryId: 'config',
        container: 'app',
        status: { latestTag, checkedAt },
      },
    ];
    await stores.imageStatusStore.recordImageStatuses(
      status('1.1.0', '2026-11-25T10:00:00.000Z'),
    );
    expect(await signalled()).toEqual([
      'gitops:entity:component:default/worker',
    ]);
    await stores.imageStatusStore.recordImageStatuses(
      status('1.1.0', '2026-11-25T10:05:00.000Z'),
    );
    expect(await signalled()).toEqual([]);
    await stores.imageStatusStore.recordImageStatuses(
      status('1.2.0', '2026-11-25T10:10:00.000Z'),
    );
    expect(await signalled()).toEqual([
      'gitops:entity:component:default/worker',
    ]);
  });

  it('signals a chart status change, but not the same status checked again', async () => {
    const status = (latestVersion: string, checkedAt: string) => [
      {
        environment: 'dev',
        namespace: 'dev',
        name: 'podinfo-dev',
        repositoryId: 'config',
        status: {
          source: 'https://charts.example.com',
          chart: 'podinfo',
          latestVersion,
          checkedAt,
        },
      },
    ];
    await stores.chartStatusStore.replaceChartStatuses(
      'config',
      status('6.1.0', '2026-11-25T10:00:00.000Z'),
    );
    expect(await signalled()).toEqual([
      'gitops:entity:component:default/podinfo',
    ]);
    await stores.chartStatusStore.replaceChartStatuses(
      'config',
      status('6.1.0', '2026-11-25T10:05:00.000Z'),
    );
    expect(await signalled()).toEqual([]);
  });

  it('signals the environments when they are replaced', async () => {
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
    await liveCards.flush();
    expect(published).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL,
        message: { type: 'changed', environments: ['dev', 'prod'] },
      },
    ]);
  });

  it('publishes once per batch after the debounce, without a flush', async () => {
    const quick = new GitopsSignals({
      signals: {
        publish: async signal => void published.push(signal as SignalPayload),
      },
      entities: {
        entitiesShowing: async () => new Set(['component:default/podinfo']),
      },
      syncStateStore: raw.syncStateStore,
      logger: mockServices.logger.mock(),
      debounceMs: 20,
    });
    quick.releasesChanged([
      { environment: 'dev', namespace: 'dev', name: 'podinfo-dev' },
    ]);
    quick.releasesChanged([
      { environment: 'dev', namespace: 'dev', name: 'podinfo-dev' },
    ]);
    expect(published).toEqual([]);
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(published.map(p => p.channel)).toEqual([
      'gitops:entity:component:default/podinfo',
    ]);
  });

  it('keeps the loop going when publishing fails', async () => {
    const logger = mockServices.logger.mock();
    const failing = new GitopsSignals({
      signals: {
        publish: async () => Promise.reject(new Error('events backend down')),
      },
      entities: {
        entitiesShowing: async () => new Set(['component:default/podinfo']),
      },
      syncStateStore: raw.syncStateStore,
      logger,
    });
    failing.releasesChanged([
      { environment: 'dev', namespace: 'dev', name: 'podinfo-dev' },
    ]);
    await expect(failing.flush()).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not signal gitops changes',
      {
        error: 'events backend down',
      },
    );
  });
});

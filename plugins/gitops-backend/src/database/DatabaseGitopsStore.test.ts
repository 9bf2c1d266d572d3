import { mockServices } from '@backstage/backend-test-utils';
import path from 'node:path';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseGitopsStore } from './DatabaseGitopsStore';
import { ReleaseRecord, SyncRecord } from './GitopsStore';

jest.setTimeout(60_000);

function release(
  environment: string,
  name: string,
  overrides: Partial<ReleaseRecord> = {},
): ReleaseRecord {
  return {
    repository: 'config',
    environment,
    namespace: environment,
    name,
    releaseName: `${environment}-${name}`,
    apiVersion: 'helm.fluxcd.io/v1',
    chart: { type: 'git', git: 'git@example.com:c', path: 'charts/podinfo' },
    chartName: 'podinfo',
    chartVersion: '0.2.0',
    chartPath: 'charts/podinfo',
    chartRevision: 'tree1',
    labels: { app: name },
    annotations: {},
    automated: true,
    locked: false,
    images: [
      {
        container: 'chart-image',
        repository: 'stefanprodan/podinfo',
        tag: `${environment}-1`,
        policy: `glob:${environment}-*`,
        paths: { repository: 'image.repository', tag: 'image.tag' },
      },
    ],
    sourcePath: `releases/${environment}/${name}.yaml`,
    spec: { values: { replicaCount: 1 } },
    commit: 'c1',
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...overrides,
  };
}

const sync = (overrides: Partial<SyncRecord>): SyncRecord => ({
  repositoryId: 'config',
  commit: 'c1',
  syncedAt: new Date('2026-11-25T10:00:00Z'),
  full: true,
  replacedPaths: [],
  releases: [],
  problems: [],
  events: [],
  ...overrides,
});

describe('DatabaseGitopsStore', () => {
  const databases = createTestDatabases();

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseGitopsStore.create({
      database: mockServices.database({ knex }),
    });
    await store.ensureRepository({ id: 'config', url: 'file:///c.git', branch: 'main' });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'lists environments in pipeline order on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      expect(await store.listEnvironments()).toEqual([]);
      await store.replaceEnvironments('config', [
        { name: 'prod', repository: 'config', path: 'releases/prod', cluster: 'demo', order: 3 },
        { name: 'dev', repository: 'config', path: 'releases/dev', order: 1 },
        { name: 'stg', repository: 'config', path: 'releases/stg', cluster: 'demo', order: 2 },
      ]);
      expect((await store.listEnvironments()).map(e => e.name)).toEqual(['dev', 'stg', 'prod']);
      await store.replaceEnvironments('config', [
        { name: 'dev', repository: 'config', path: 'releases/dev', order: 1 },
      ]);
      expect((await store.listEnvironments()).map(e => e.name)).toEqual(['dev']);
    },
  );

  it.each(databases.eachSupportedId())(
    'replaces only the files an incremental sync names on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.applySync(
        sync({
          releases: [release('dev', 'podinfo'), release('prod', 'podinfo')],
          problems: [{ environment: 'dev', path: 'releases/dev/bad.yaml', line: 2, message: 'broken' }],
        }),
      );
      await store.applySync(
        sync({
          commit: 'c2',
          full: false,
          replacedPaths: ['releases/dev/podinfo.yaml', 'releases/dev/bad.yaml'],
          releases: [
            release('dev', 'podinfo', {
              commit: 'c2',
              images: [{ container: 'chart-image', repository: 'stefanprodan/podinfo', tag: 'dev-2', paths: {} }],
            }),
          ],
        }),
      );
      const all = await store.releasesFromPaths('config', 'all');
      expect(all.map(r => `${r.environment}:${r.images[0].tag}:${r.commit}`)).toEqual([
        'dev:dev-2:c2',
        'prod:prod-1:c1',
      ]);
      expect(await store.listProblems(['config'])).toEqual([]);
      expect((await store.getRepository('config'))?.lastCommit).toBe('c2');

      // A full sync drops what is not there any more, images included.
      await store.applySync(sync({ commit: 'c3', releases: [release('prod', 'podinfo')] }));
      expect((await store.releasesFromPaths('config', 'all')).map(r => r.environment)).toEqual(['prod']);
      expect(await store.findReleases({ chartNames: [], imageRepositories: ['stefanprodan/podinfo'], labelSelectors: [] }))
        .toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'finds releases by chart, image and labels, and round-trips every field on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const other = release('dev', 'worker', {
        chartName: 'worker',
        chartPath: 'charts/worker',
        labels: { app: 'worker', 'backstage.io/kubernetes-id': 'podinfo' },
        images: [{ container: 'worker', registry: 'ghcr.io', repository: 'org/worker', tag: '1', paths: { image: 'worker.image' } }],
      });
      await store.applySync(sync({ releases: [release('dev', 'podinfo'), other] }));

      const byChart = await store.findReleases({ chartNames: ['podinfo'], imageRepositories: [], labelSelectors: [] });
      expect(byChart).toEqual([release('dev', 'podinfo')]);
      const byImage = await store.findReleases({ chartNames: [], imageRepositories: ['org/worker'], labelSelectors: [] });
      expect(byImage).toEqual([other]);
      const byLabel = await store.findReleases({
        chartNames: [],
        imageRepositories: [],
        labelSelectors: [[{ key: 'backstage.io/kubernetes-id', op: '=', value: 'podinfo' }]],
      });
      expect(byLabel.map(r => r.name)).toEqual(['worker']);
      const notWorker = await store.findReleases({
        chartNames: [],
        imageRepositories: [],
        labelSelectors: [[{ key: 'app', op: '!=', value: 'worker' }]],
      });
      expect(notWorker.map(r => r.name)).toEqual(['podinfo']);
      expect(await store.sourcePathsForCharts('config', ['charts', 'charts/worker'])).toEqual([
        'releases/dev/worker.yaml',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the last good state when a fetch fails, and clears the error on the next sync on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.applySync(sync({ releases: [release('dev', 'podinfo')] }));
      await store.recordRepositoryFailure('config', 'unreachable', new Date('2026-11-25T11:00:00Z'));
      expect(await store.getRepository('config')).toEqual(
        expect.objectContaining({ lastCommit: 'c1', lastError: 'unreachable', lastErrorAt: '2026-11-25T11:00:00.000Z' }),
      );
      expect(await store.listProblems(['config'])).toEqual([
        { repository: 'config', path: '', message: 'unreachable', at: '2026-11-25T11:00:00.000Z' },
      ]);
      expect(await store.releasesFromPaths('config', 'all')).toHaveLength(1);
      await store.applySync(sync({ full: false }));
      expect((await store.getRepository('config'))?.lastError).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'lists events of releases and repositories, newest first, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.addEvents([
        { type: 'synced', repository: 'config', commit: 'c1', at: new Date('2026-11-25T10:00:00Z') },
        { type: 'release-updated', repository: 'config', environment: 'dev', namespace: 'dev', name: 'podinfo', details: { to: 'x' }, at: new Date('2026-11-25T10:01:00Z') },
        { type: 'release-updated', repository: 'config', environment: 'dev', namespace: 'dev', name: 'other', at: new Date('2026-11-25T10:02:00Z') },
        { type: 'sync-requested', repository: 'elsewhere', actor: 'user:default/a', at: new Date('2026-11-25T10:03:00Z') },
      ]);
      const events = await store.listEvents({
        releases: [{ environment: 'dev', namespace: 'dev', name: 'podinfo' }],
        repositoryIds: ['config'],
        limit: 10,
      });
      expect(events.map(e => `${e.type}:${e.name ?? e.repository}`)).toEqual([
        'release-updated:podinfo',
        'synced:config',
      ]);
      expect(events[0].details).toEqual({ to: 'x' });
    },
  );

  it.each(databases.eachSupportedId())(
    'rolls every migration back on %p',
    async databaseId => {
      const { knex } = await createStore(databaseId);
      const directory = path.resolve(__dirname, '../../migrations');
      await knex.migrate.rollback({ directory }, true);
      for (const table of [
        'gitops_events', 'gitops_errors', 'gitops_release_images', 'gitops_releases',
        'gitops_environments', 'gitops_repositories',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
    },
  );
});

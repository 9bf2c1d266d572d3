import { mockServices } from '@backstage/backend-test-utils';
import path from 'node:path';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseGitopsStore } from './DatabaseGitopsStore';
import {
  AppliedObjectRecord,
  ReconcileRecord,
  ReleaseRecord,
  ReleaseStatusRecord,
  SyncRecord,
} from './GitopsStore';

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

function status(
  environment: string,
  name: string,
  overrides: Partial<ReleaseStatusRecord> = {},
): ReleaseStatusRecord {
  return {
    environment,
    namespace: environment,
    name,
    cluster: 'demo',
    state: 'Synced',
    reason: 'Deployed as git asks',
    differences: [],
    ...overrides,
  };
}

const reconcile = (overrides: Partial<ReconcileRecord>): ReconcileRecord => ({
  cluster: 'demo',
  at: new Date('2026-11-25T12:00:00Z'),
  statuses: [],
  removed: [],
  histories: [],
  events: [],
  ...overrides,
});

function applied(
  kind: string,
  name: string,
  overrides: Partial<AppliedObjectRecord> = {},
): AppliedObjectRecord {
  return {
    apiVersion: 'helm.fluxcd.io/v1',
    kind,
    namespace: 'dev',
    name,
    sourcePath: `releases/dev/${name}.yaml`,
    digest: 'd1',
    appliedAt: '2026-11-25T12:00:00.000Z',
    ...overrides,
  };
}

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
    'never stores or shows the credential of a repository URL on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await store.ensureRepository({
        id: 'token',
        url: 'https://ghp_secret@github.com/org/config.git',
        branch: 'main',
      });
      // As written before config refused such URLs.
      await knex('gitops_repositories').insert({
        id: 'legacy',
        url: 'https://bot:ghp_legacy@github.com/org/legacy.git',
        branch: 'main',
      });
      const stored = await knex('gitops_repositories').where({ id: 'token' }).first();
      expect(stored.url).toBe('https://github.com/org/config.git');
      const shown = JSON.stringify(await store.listRepositories());
      expect(shown).not.toMatch(/ghp_|bot/);
      expect((await store.getRepository('legacy'))?.url).toBe(
        'https://github.com/org/legacy.git',
      );
    },
  );

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
      // What one cluster's reconciler reads: its environments only.
      expect(
        (await store.releasesOfEnvironments(['prod'])).map(r => `${r.environment}:${r.name}`),
      ).toEqual(['prod:podinfo']);
      expect(await store.releasesOfEnvironments([])).toEqual([]);

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
    'upserts release statuses and round-trips every field on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const full = status('dev', 'podinfo', {
        state: 'Drifted',
        reason: 'values differ',
        differences: [
          { path: 'values.image.tag', desired: 'dev-2', live: 'dev-1' },
          { path: 'values.replicaCount', desired: { n: [1] } },
        ],
        revision: 3,
        chartVersion: '0.2.0',
        appVersion: '6.0.0',
        deployedAt: '2026-11-25T09:00:00.000Z',
        since: '2026-11-25T09:30:00.000Z',
        error: 'timeout',
        errorAt: '2026-11-25T11:00:00.000Z',
      });
      const bare = status('prod', 'podinfo');
      const elsewhere = status('stg', 'podinfo', { cluster: 'other' });
      await store.applyReconcile(reconcile({ statuses: [full, bare] }));
      await store.applyReconcile(reconcile({ cluster: 'other', statuses: [elsewhere] }));

      expect(await store.listReleaseStatuses('demo')).toEqual([full, bare]);
      // Unset fields are left out, not null.
      expect(Object.keys((await store.listReleaseStatuses('demo'))[1]).sort()).toEqual(
        ['cluster', 'differences', 'environment', 'name', 'namespace', 'reason', 'state'],
      );
      expect(
        await store.getReleaseStatuses([
          { environment: 'stg', namespace: 'stg', name: 'podinfo' },
          { environment: 'dev', namespace: 'dev', name: 'podinfo' },
          { environment: 'dev', namespace: 'dev', name: 'absent' },
        ]),
      ).toEqual([full, elsewhere]);
      expect(await store.getReleaseStatuses([])).toEqual([]);

      // A new status replaces the whole row: what it leaves out goes.
      await store.applyReconcile(reconcile({ statuses: [status('dev', 'podinfo', { revision: 4 })] }));
      expect(await store.listReleaseStatuses('demo')).toEqual([
        status('dev', 'podinfo', { revision: 4 }),
        bare,
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'reads many release statuses in batches on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const statuses = Array.from({ length: 450 }, (_, i) => status('dev', `r${String(i).padStart(3, '0')}`));
      await store.applyReconcile(reconcile({ statuses }));
      expect(await store.getReleaseStatuses(statuses)).toEqual(statuses);
      await store.applyReconcile(reconcile({ removed: statuses.slice(0, 449) }));
      expect(await store.listReleaseStatuses('demo')).toEqual([statuses[449]]);
    },
  );

  it.each(databases.eachSupportedId())(
    'replaces Helm history whole and lists it newest first on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const key = { environment: 'dev', namespace: 'dev', name: 'podinfo' };
      expect(await store.getHelmHistory(key)).toBeUndefined();
      await store.applyReconcile(
        reconcile({
          histories: [
            {
              ...key,
              cluster: 'demo',
              revisions: [
                { revision: 1, status: 'superseded' },
                {
                  revision: 3,
                  status: 'deployed',
                  chartName: 'podinfo',
                  chartVersion: '0.2.0',
                  appVersion: '6.0.0',
                  description: 'Upgrade complete',
                  firstDeployedAt: '2026-11-24T09:00:00.000Z',
                  deployedAt: '2026-11-25T09:00:00.000Z',
                },
                { revision: 2, status: 'failed' },
              ],
            },
          ],
        }),
      );
      const history = await store.getHelmHistory(key);
      expect(history).toEqual({
        ...key,
        cluster: 'demo',
        revisions: [
          {
            revision: 3,
            status: 'deployed',
            chartName: 'podinfo',
            chartVersion: '0.2.0',
            appVersion: '6.0.0',
            description: 'Upgrade complete',
            firstDeployedAt: '2026-11-24T09:00:00.000Z',
            deployedAt: '2026-11-25T09:00:00.000Z',
          },
          { revision: 2, status: 'failed' },
          { revision: 1, status: 'superseded' },
        ],
      });
      expect(Object.keys(history!.revisions[1])).toEqual(['revision', 'status']);

      // Helm keeps a limited history: revisions no longer listed go.
      await store.applyReconcile(
        reconcile({
          histories: [
            {
              ...key,
              cluster: 'demo',
              revisions: [
                { revision: 4, status: 'deployed' },
                { revision: 3, status: 'superseded' },
              ],
            },
          ],
        }),
      );
      expect((await store.getHelmHistory(key))?.revisions).toEqual([
        { revision: 4, status: 'deployed' },
        { revision: 3, status: 'superseded' },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'drops the status and history of removed releases, and records events, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const gone = { environment: 'dev', namespace: 'dev', name: 'gone' };
      const kept = { environment: 'dev', namespace: 'dev', name: 'kept' };
      const history = (key: typeof gone) => ({
        ...key,
        cluster: 'demo',
        revisions: [{ revision: 1, status: 'deployed' }],
      });
      await store.applyReconcile(
        reconcile({
          statuses: [status('dev', 'gone'), status('dev', 'kept')],
          histories: [history(gone), history(kept)],
        }),
      );
      await store.applyReconcile(
        reconcile({
          removed: [gone],
          events: [
            {
              type: 'release-removed',
              environment: 'dev',
              namespace: 'dev',
              name: 'gone',
              details: { cluster: 'demo' },
              at: new Date('2026-11-25T12:00:00Z'),
            },
          ],
        }),
      );
      expect((await store.listReleaseStatuses('demo')).map(s => s.name)).toEqual(['kept']);
      expect(await store.getHelmHistory(gone)).toBeUndefined();
      expect(await store.getHelmHistory(kept)).toEqual(history(kept));
      const events = await store.listEvents({ releases: [gone], repositoryIds: [], limit: 10 });
      expect(events).toEqual([
        expect.objectContaining({ type: 'release-removed', details: { cluster: 'demo' }, at: '2026-11-25T12:00:00.000Z' }),
      ]);

      // Another cluster removing the same key leaves this cluster's rows alone.
      await store.applyReconcile(reconcile({ cluster: 'other', removed: [kept] }));
      expect((await store.listReleaseStatuses('demo')).map(s => s.name)).toEqual(['kept']);
      expect(await store.getHelmHistory(kept)).toEqual(history(kept));
    },
  );

  it.each(databases.eachSupportedId())(
    'tracks clusters: titles, reconciles and failures on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      expect(await store.listClusters()).toEqual([]);
      await store.ensureClusters([
        { name: 'prod', title: 'Production' },
        { name: 'demo' },
        { name: 'demo' },
      ]);
      expect(await store.listClusters()).toEqual([
        { name: 'demo' },
        { name: 'prod', title: 'Production' },
      ]);

      // A cluster not ensured yet gets a row from its first cycle or failure.
      await store.recordClusterFailure('new', 'forbidden', new Date('2026-11-25T11:00:00Z'));
      await store.applyReconcile(reconcile({ statuses: [status('dev', 'podinfo')] }));
      await store.recordClusterFailure('demo', 'unreachable', new Date('2026-11-25T13:00:00Z'));
      expect(await store.listClusters()).toEqual([
        {
          name: 'demo',
          lastReconciledAt: '2026-11-25T12:00:00.000Z',
          lastError: 'unreachable',
          lastErrorAt: '2026-11-25T13:00:00.000Z',
        },
        { name: 'new', lastError: 'forbidden', lastErrorAt: '2026-11-25T11:00:00.000Z' },
        { name: 'prod', title: 'Production' },
      ]);
      // A failure keeps every status.
      expect(await store.listReleaseStatuses('demo')).toEqual([status('dev', 'podinfo')]);

      // Success moves last_reconciled_at past the error without clearing it;
      // ensureClusters refreshes titles and keeps the rest.
      await store.applyReconcile(reconcile({ at: new Date('2026-11-25T14:00:00Z') }));
      await store.ensureClusters([{ name: 'demo', title: 'Demo' }, { name: 'prod' }]);
      expect(await store.listClusters()).toEqual([
        {
          name: 'demo',
          title: 'Demo',
          lastReconciledAt: '2026-11-25T14:00:00.000Z',
          lastError: 'unreachable',
          lastErrorAt: '2026-11-25T13:00:00.000Z',
        },
        { name: 'new', lastError: 'forbidden', lastErrorAt: '2026-11-25T11:00:00.000Z' },
        { name: 'prod' },
      ]);
      expect(await store.listReleaseStatuses('demo')).toEqual([status('dev', 'podinfo')]);
    },
  );

  it.each(databases.eachSupportedId())(
    'writes a reconcile in one transaction on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.applyReconcile(reconcile({ statuses: [status('dev', 'podinfo')] }));
      const key = { environment: 'dev', namespace: 'dev', name: 'podinfo' };
      // A revision without a status breaks a NOT NULL column: the history
      // insert fails after the status upsert, and neither may stay.
      await expect(
        store.applyReconcile(
          reconcile({
            at: new Date('2026-11-25T14:00:00Z'),
            statuses: [status('dev', 'podinfo', { state: 'Failed' })],
            histories: [
              {
                ...key,
                cluster: 'demo',
                revisions: [
                  { revision: 1, status: 'deployed' },
                  { revision: 2, status: null as unknown as string },
                ],
              },
            ],
          }),
        ),
        // Not toThrow(): better-sqlite3's errors come from another realm in
        // jest workers and fail its instanceof Error check.
      ).rejects.toMatchObject({ message: expect.stringMatching(/not.null/i) });
      expect(await store.listReleaseStatuses('demo')).toEqual([status('dev', 'podinfo')]);
      expect((await store.listClusters())[0].lastReconciledAt).toBe('2026-11-25T12:00:00.000Z');
    },
  );

  it.each(databases.eachSupportedId())(
    'replaces apply and prune problems per environment, keeping when each began, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const refused = {
        source: 'apply' as const,
        path: 'releases/dev/policy.yaml',
        object: 'ImagePolicy dev/podinfo (image.toolkit.fluxcd.io/v1beta2)',
        message: 'apply ImagePolicy dev/podinfo: 404 the server could not find the requested resource',
        commit: 'c1',
      };
      const record = (environment: string, items: (typeof refused)[]) =>
        store.recordApply({ environment, upserted: [], removed: [], problems: { repositoryId: 'config', items } });
      await record('dev', [refused]);
      await record('prod', [{ ...refused, path: 'releases/prod/x.yaml', message: 'x'.repeat(2000) }]);
      const [first] = await store.listProblems(['config']);
      expect(first).toEqual({ repository: 'config', environment: 'dev', at: expect.any(String), ...refused });

      // Still failing: the same problem, since the same time; prod untouched.
      await new Promise(resolve => setTimeout(resolve, 5));
      await record('dev', [refused]);
      expect((await store.listProblems(['config'])).map(p => [p.environment, p.at])).toEqual([
        ['dev', first.at],
        ['prod', expect.any(String)],
      ]);
      // Applied cleanly: gone. Problems of other repositories are not listed.
      await record('dev', []);
      expect((await store.listProblems(['config'])).map(p => p.environment)).toEqual(['prod']);
      expect(await store.listProblems(['other'])).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'holds a deletion back and confirms it only for its commit on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const hr = (name: string) => ({ apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', namespace: 'stg', name });
      const held = { environment: 'stg', commit: 'a'.repeat(40), objects: [hr('b'), hr('a')], total: 2, heldAt: '2026-11-25T12:00:00.000Z' };
      expect(await store.getHeldPrune('stg')).toBeUndefined();
      await store.holdPrune(held);
      expect(await store.confirmHeldPrune('stg', { commit: 'b'.repeat(40), actor: 'user:default/ops', at: new Date() })).toBeUndefined();
      const confirmed = await store.confirmHeldPrune('stg', { commit: held.commit, actor: 'user:default/ops', at: new Date('2026-11-25T12:05:00Z') });
      expect(confirmed).toMatchObject({ confirmedBy: 'user:default/ops', confirmedAt: '2026-11-25T12:05:00.000Z', total: 2 });

      // The same deletion, in another order, keeps its confirmation...
      await store.holdPrune({ ...held, objects: [hr('a'), hr('b')], heldAt: '2026-11-25T12:10:00.000Z' });
      expect(await store.getHeldPrune('stg')).toMatchObject({ confirmedBy: 'user:default/ops', heldAt: held.heldAt });
      // ...a different one does not.
      await store.holdPrune({ ...held, objects: [hr('a')] });
      expect((await store.getHeldPrune('stg'))?.confirmedBy).toBeUndefined();
      await store.releaseHeldPrune('stg');
      expect(await store.getHeldPrune('stg')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'records what each environment applied on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      expect(await store.getAppliedObjects('dev')).toEqual({ objects: [] });

      const namespace = applied('Namespace', 'dev', { apiVersion: 'v1', namespace: '' });
      const podinfo = applied('HelmRelease', 'podinfo');
      const worker = applied('HelmRelease', 'worker');
      await store.recordApply({ environment: 'dev', commit: 'c1', upserted: [podinfo, worker, namespace], removed: [] });
      await store.recordApply({ environment: 'prod', commit: 'p1', upserted: [applied('HelmRelease', 'podinfo', { namespace: 'prod' })], removed: [] });
      expect(await store.getAppliedObjects('dev')).toEqual({
        commit: 'c1',
        objects: [podinfo, worker, namespace],
      });

      // Without a commit (something failed) the previous one stays, so the
      // next cycle retries; the objects that did apply are recorded.
      const podinfo2 = applied('HelmRelease', 'podinfo', { digest: 'd2', sourcePath: 'releases/dev/moved.yaml', appliedAt: '2026-11-25T13:00:00.000Z' });
      await store.recordApply({ environment: 'dev', upserted: [podinfo2], removed: [worker] });
      expect(await store.getAppliedObjects('dev')).toEqual({
        commit: 'c1',
        objects: [podinfo2, namespace],
      });

      await store.recordApply({ environment: 'dev', commit: 'c2', upserted: [], removed: [{ apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'dev' }] });
      expect(await store.getAppliedObjects('dev')).toEqual({ commit: 'c2', objects: [podinfo2] });
      // Other environments are untouched, even by a removal of the same key.
      await store.recordApply({ environment: 'prod', upserted: [], removed: [podinfo2] });
      expect(await store.getAppliedObjects('prod')).toEqual({
        commit: 'p1',
        objects: [applied('HelmRelease', 'podinfo', { namespace: 'prod' })],
      });
      expect(await store.getAppliedObjects('dev')).toEqual({ commit: 'c2', objects: [podinfo2] });

      // A cluster that lost objects: the environment starts over, alone.
      await store.forgetApplied('dev');
      expect(await store.getAppliedObjects('dev')).toEqual({ objects: [] });
      expect((await store.getAppliedObjects('prod')).commit).toBe('p1');
    },
  );

  it.each(databases.eachSupportedId())(
    'holds a broken file at its last good state and keeps since when it broke on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.applySync(sync({ releases: [release('dev', 'podinfo'), release('prod', 'podinfo')] }));
      const broken = {
        environment: 'dev',
        path: 'releases/dev/podinfo.yaml',
        line: 11,
        message: 'Map keys must be unique',
        blocking: true,
      };
      await store.applySync(
        sync({
          commit: 'c2',
          syncedAt: new Date('2026-11-25T11:00:00Z'),
          full: false,
          keptPaths: ['releases/dev/podinfo.yaml'],
          problems: [broken, { environment: 'prod', path: 'releases/prod/podinfo.yaml', message: 'a warning' }],
        }),
      );
      // A full sync (a force-push) later, the file is still broken.
      await store.applySync(
        sync({
          commit: 'c3',
          syncedAt: new Date('2026-11-25T12:00:00Z'),
          keptPaths: ['releases/dev/podinfo.yaml'],
          releases: [release('prod', 'podinfo', { commit: 'c3' })],
          problems: [{ ...broken, line: 12, message: 'Still not unique' }],
        }),
      );
      expect(await store.getRelease({ environment: 'dev', namespace: 'dev', name: 'podinfo' })).toEqual(
        release('dev', 'podinfo'),
      );
      expect((await store.getRelease({ environment: 'prod', namespace: 'prod', name: 'podinfo' }))?.commit).toBe('c3');
      expect(await store.listSourceProblems(['config'])).toEqual([
        {
          repository: 'config',
          path: 'releases/dev/podinfo.yaml',
          line: 12,
          message: 'Still not unique',
          commit: 'c2',
          since: '2026-11-25T11:00:00.000Z',
        },
      ]);
      expect(await store.listProblems(['config'])).toEqual([
        expect.objectContaining({ path: 'releases/dev/podinfo.yaml', commit: 'c2', source: 'git', at: '2026-11-25T11:00:00.000Z' }),
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores any problem text and commit author, without NUL and bounded, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.applySync(
        sync({
          problems: [{ path: 'releases/dev/x.yaml', message: `bad\u0000value ${'x'.repeat(5000)}` }],
          events: [
            { type: 'synced', repository: 'config', author: `A\u0000${'n'.repeat(400)}`, message: 'm\u0000', at: new Date() },
          ],
        }),
      );
      const [problem] = await store.listProblems(['config']);
      expect(problem.message.startsWith('badvalue xxx')).toBe(true);
      expect(problem.message).toHaveLength(2000);
      const [event] = await store.listEvents({ releases: [], repositoryIds: ['config'], limit: 1 });
      expect(event.author).toHaveLength(255);
      expect(event.message).toBe('m');
      await store.recordRepositoryFailure('config', `no\u0000pe`, new Date());
      expect((await store.getRepository('config'))?.lastError).toBe('nope');
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
        'gitops_image_tags', 'gitops_image_status',
        'gitops_clusters', 'gitops_release_status', 'gitops_helm_history',
        'gitops_applied_objects', 'gitops_applied_commits',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
    },
  );
});

import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { EnvironmentConfig, RepositoryConfig } from '../config/GitopsConfig';
import { DatabaseGitopsStore } from '../database/DatabaseGitopsStore';
import { CliGitRepository, GitRepository } from '../git';
import {
  createTestRemote,
  startHttpGitServer,
  TestRemote,
} from '../git/__testUtils__';
import { RepositorySync } from './RepositorySync';
import { exampleConfigRepoFiles } from '../__testUtils__/exampleConfigRepo';

jest.setTimeout(60_000);


const exampleFiles = exampleConfigRepoFiles;

const pipeline: EnvironmentConfig[] = ['dev', 'stg', 'prod'].map((name, i) => ({
  name,
  repository: 'config',
  path: `releases/${name}`,
  order: i + 1,
  apply: false,
  prune: false,
}));

describe('RepositorySync', () => {
  let remote: TestRemote;
  let workDir: string;
  let knex: Knex;
  let store: DatabaseGitopsStore;
  let readPaths: string[][];
  const logger = mockServices.logger.mock();

  function repositoryConfig(url = remote.url, extra: Partial<RepositoryConfig> = {}): RepositoryConfig {
    return {
      id: 'config',
      url,
      branch: 'main',
      auth: { type: 'none' },
      author: { name: 'bot', email: 'bot@example.com' },
      schedule: {
        frequency: { minutes: 1 },
        timeout: { minutes: 1 },
        initialDelay: { seconds: 0 },
      },
      ...extra,
    };
  }

  function createSync(
    repository = repositoryConfig(),
    environments: EnvironmentConfig[] = pipeline,
  ) {
    const git: GitRepository = CliGitRepository.create({
      id: repository.id,
      remote: repository,
      workDir,
      logger,
    });
    // Record which files each sync reads, to prove it reads only what changed.
    const readFiles = git.readFiles.bind(git);
    git.readFiles = async (commit, paths, options) => {
      readPaths.push(paths);
      return readFiles(commit, paths, options);
    };
    return new RepositorySync({ repository, environments, git, store, logger });
  }

  const tags = async () =>
    Object.fromEntries(
      (await store.releasesFromPaths('config', 'all')).map(r => [
        `${r.environment}/${r.name}`,
        r.images.map(i => i.tag).join(','),
      ]),
    );

  beforeEach(async () => {
    readPaths = [];
    remote = await createTestRemote();
    await remote.commit(await exampleFiles(), 'Import the demo config repository');
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-sync-test-'));
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    store = await DatabaseGitopsStore.create({
      database: mockServices.database({ knex }),
    });
  });

  afterEach(async () => {
    await knex.destroy();
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('stores the demo pipeline and its releases on the first sync', async () => {
    const outcome = await createSync().run();
    expect(outcome).toEqual(expect.objectContaining({ status: 'synced', full: true }));

    expect((await store.listEnvironments()).map(e => e.name)).toEqual(['dev', 'stg', 'prod']);
    const releases = await store.releasesFromPaths('config', 'all');
    expect(
      releases.map(r => ({
        env: r.environment,
        name: r.name,
        releaseName: r.releaseName,
        chart: `${r.chartName}@${r.chartVersion}`,
        images: r.images.map(i => `${i.repository}:${i.tag} ${i.policy}`),
        automated: r.automated,
      })),
    ).toEqual([
      { env: 'dev', name: 'podinfo-dev', releaseName: 'podinfo-dev', chart: 'podinfo@0.2.0', images: ['stefanprodan/podinfo:dev-kb9lm91e glob:dev-*'], automated: true },
      { env: 'prod', name: 'podinfo-prod', releaseName: 'podinfo-prod', chart: 'podinfo@0.2.0', images: ['stefanprodan/podinfo:0.4.10 semver:~0.4'], automated: true },
      { env: 'stg', name: 'podinfo-rc', releaseName: 'podinfo-rc', chart: 'podinfo@0.2.0', images: ['stefanprodan/podinfo:stg-9ij63o4c glob:stg-*'], automated: true },
    ]);
    const repo = await store.getRepository('config');
    expect(repo?.lastCommit).toBe(await remote.head());
    expect(repo?.lastError).toBeUndefined();
    const events = await store.listEvents({ releases: [], repositoryIds: ['config'], limit: 5 });
    expect(events[0]).toEqual(
      expect.objectContaining({ type: 'synced', author: 'Test Author', message: 'Import the demo config repository' }),
    );
  });

  it('derives environments from releases/<env>/ folders when none are configured', async () => {
    await createSync(repositoryConfig(), []).run();
    expect((await store.listEnvironments()).map(e => `${e.order}:${e.name}`)).toEqual([
      '1:adm', '2:dev', '3:prod', '4:stg',
    ]);
    const adm = await store.getRelease({ environment: 'adm', namespace: 'adm', name: 'sealed-secrets' });
    expect(adm).toEqual(
      expect.objectContaining({ automated: false, chartName: 'sealed-secrets', chartVersion: '1.6.1' }),
    );
  });

  it('reads only the file that changed, and records who changed what', async () => {
    const sync = createSync();
    await sync.run();
    readPaths = [];
    const dev = (await exampleFiles())['releases/dev/podinfo.yaml'] as string;
    const sha = await remote.commit(
      { 'releases/dev/podinfo.yaml': dev.replace('dev-kb9lm91e', 'dev-a1b2c3d4') },
      'Auto-release stefanprodan/podinfo:dev-a1b2c3d4',
    );

    const outcome = await sync.run();
    expect(outcome).toEqual(expect.objectContaining({ status: 'synced', full: false, files: 1 }));
    expect(readPaths[0]).toEqual(['releases/dev/podinfo.yaml']);
    expect(await tags()).toEqual({
      'dev/podinfo-dev': 'dev-a1b2c3d4',
      'stg/podinfo-rc': 'stg-9ij63o4c',
      'prod/podinfo-prod': '0.4.10',
    });
    const dev2 = await store.getRelease({ environment: 'dev', namespace: 'dev', name: 'podinfo-dev' });
    expect(dev2?.commit).toBe(sha);
    const prod = await store.getRelease({ environment: 'prod', namespace: 'prod', name: 'podinfo-prod' });
    expect(prod?.commit).not.toBe(sha);

    const events = await store.listEvents({
      releases: [{ environment: 'dev', namespace: 'dev', name: 'podinfo-dev' }],
      repositoryIds: [],
      limit: 5,
    });
    expect(events[0]).toEqual(
      expect.objectContaining({
        type: 'release-updated',
        commit: sha,
        message: 'Auto-release stefanprodan/podinfo:dev-a1b2c3d4',
        details: {
          from: { tags: { 'chart-image': 'dev-kb9lm91e' }, chartVersion: '0.2.0' },
          to: { tags: { 'chart-image': 'dev-a1b2c3d4' }, chartVersion: '0.2.0' },
        },
      }),
    );
  });

  it('does nothing when the head did not move', async () => {
    const sync = createSync();
    await sync.run();
    readPaths = [];
    expect(await sync.run()).toEqual({ status: 'unchanged', commit: await remote.head() });
    expect(readPaths).toEqual([]);
  });

  it('removes a release whose file was deleted', async () => {
    const sync = createSync();
    await sync.run();
    await remote.commit({ 'releases/stg/podinfo.yaml': null }, 'Retire staging');
    await sync.run();
    expect(Object.keys(await tags()).sort()).toEqual(['dev/podinfo-dev', 'prod/podinfo-prod']);
    const events = await store.listEvents({
      releases: [{ environment: 'stg', namespace: 'stg', name: 'podinfo-rc' }],
      repositoryIds: [],
      limit: 5,
    });
    expect(events[0].type).toBe('release-removed');
  });

  it('follows a chart bump into every release of the chart', async () => {
    const sync = createSync();
    await sync.run();
    const chart = (await exampleFiles())['charts/podinfo/Chart.yaml'] as string;
    await remote.commit(
      { 'charts/podinfo/Chart.yaml': chart.replace('version: 0.2.0', 'version: 0.2.1') },
      'Bump the podinfo chart',
    );
    await sync.run();
    const releases = await store.releasesFromPaths('config', 'all');
    expect(releases.map(r => r.chartVersion)).toEqual(['0.2.1', '0.2.1', '0.2.1']);
  });

  it('starts over after a force-push', async () => {
    const sync = createSync();
    await sync.run();
    const dev = (await exampleFiles())['releases/dev/podinfo.yaml'] as string;
    await remote.commit({ 'releases/dev/podinfo.yaml': dev.replace('dev-kb9lm91e', 'dev-lost') }, 'Later lost');
    await sync.run();
    await remote.forcePush(
      { 'releases/dev/podinfo.yaml': dev.replace('dev-kb9lm91e', 'dev-rewritten'), 'releases/prod/podinfo.yaml': null },
      'Rewritten history',
    );
    const outcome = await sync.run();
    expect(outcome).toEqual(expect.objectContaining({ status: 'synced', full: true }));
    expect(await tags()).toEqual({
      'dev/podinfo-dev': 'dev-rewritten',
      'stg/podinfo-rc': 'stg-9ij63o4c',
    });
  });

  it('syncs every good file and reports the broken one with its line', async () => {
    await remote.commit(
      {
        'releases/dev/broken.yaml': 'apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: broken\n  namespace: dev\nspec:\n  values: [unclosed\n',
        'releases/dev/escape.yaml': `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: escape
  namespace: dev
spec:
  chart:
    git: git@example.com:x
    path: ../../etc
  values: {}
`,
        'releases/dev/copy.yaml': (await exampleFiles())['releases/dev/podinfo.yaml'] as string,
      },
      'Add broken files',
    );
    await createSync().run();

    expect(Object.keys(await tags()).sort()).toEqual([
      'dev/podinfo-dev', 'prod/podinfo-prod', 'stg/podinfo-rc',
    ]);
    const problems = await store.listProblems(['config']);
    const byPath = Object.fromEntries(problems.map(p => [p.path, p]));
    expect(byPath['releases/dev/broken.yaml']).toEqual(
      expect.objectContaining({ environment: 'dev', line: expect.any(Number) }),
    );
    expect(byPath['releases/dev/escape.yaml'].message).toMatch(/Chart path "..\/..\/etc" rejected/);
    // Duplicates: the first file by path keeps the release, the other is reported.
    expect(byPath['releases/dev/podinfo.yaml'].message).toMatch(
      /dev\/podinfo-dev .* already defined in releases\/dev\/copy.yaml/,
    );
    expect(
      (await store.getRelease({ environment: 'dev', namespace: 'dev', name: 'podinfo-dev' }))?.sourcePath,
    ).toBe('releases/dev/copy.yaml');
  });

  it('keeps the last good state and records the error when the remote is gone', async () => {
    const sync = createSync();
    await sync.run();
    const before = await tags();
    await fs.rm(remote.path, { recursive: true, force: true });

    const outcome = await sync.run();
    expect(outcome.status).toBe('failed');
    expect(await tags()).toEqual(before);
    const repo = await store.getRepository('config');
    expect(repo?.lastError).toMatch(/git fetch/);
    expect(repo?.lastErrorAt).toBeDefined();
    expect((await store.listProblems(['config']))[0]).toEqual(
      expect.objectContaining({ path: '', repository: 'config' }),
    );
  });

  it('records rejected credentials without the credential, and keeps the state', async () => {
    const server = await startHttpGitServer({ root: remote.root, token: 'right-token' });
    try {
      const good = createSync(
        repositoryConfig(server.url, { auth: { type: 'token', token: 'right-token' } }),
      );
      expect((await good.run()).status).toBe('synced');

      const bad = createSync(
        repositoryConfig(server.url, { auth: { type: 'token', token: 'wrong-token-42' } }),
      );
      const outcome = await bad.run();
      expect(outcome.status).toBe('failed');
      const repo = await store.getRepository('config');
      expect(repo?.lastError).toMatch(/credentials/);
      expect(repo?.lastError).not.toContain('wrong-token-42');
      expect(Object.keys(await tags())).toHaveLength(3);
    } finally {
      await server.stop();
    }
  });
});

import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { EnvironmentConfig, RepositoryConfig } from '../config/GitopsConfig';
import { EventStore } from '../database/EventStore';
import { createGitopsStores } from '../database/gitopsStores';
import { SyncStateStore } from '../database/SyncStateStore';
import { CliGitRepository, GitRepository } from '../git';
import {
  createTestRemote,
  startHttpGitServer,
  TestRemote,
} from '../git/__testUtils__';
import { RepositorySync } from './RepositorySync';
import { exampleConfigRepoFiles } from '../__testUtils__/exampleConfigRepo';
import { testRepositoryConfig } from '../__testUtils__/memoryStore';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { PIPELINE } from '../actions/__testUtils__/actionsFixture';

jest.setTimeout(60_000);

const exampleFiles = exampleConfigRepoFiles;

// The demo's pipeline without adm, whose sealed-secrets release no test here needs.
const pipeline: EnvironmentConfig[] = PIPELINE.filter(
  env => env.name !== 'adm',
);

describe('RepositorySync', () => {
  let remote: TestRemote;
  let workDir: string;
  let knex: Knex;
  let syncStateStore: SyncStateStore;
  let eventStore: EventStore;
  let readPaths: string[][];
  const logger = mockServices.logger.mock();

  const repositoryConfig = (
    url = remote.url,
    extra: Partial<RepositoryConfig> = {},
  ): RepositoryConfig => testRepositoryConfig(url, extra);

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
    return new RepositorySync({
      repository,
      environments,
      git,
      syncStateStore,
      logger,
    });
  }

  const tags = async () =>
    Object.fromEntries(
      (await syncStateStore.releasesFromPaths('config', 'all')).map(r => [
        `${r.environment}/${r.name}`,
        r.images.map(i => i.tag).join(','),
      ]),
    );

  const bumpPodinfoChart = async () => {
    const chart = (await exampleFiles())['charts/podinfo/Chart.yaml'] as string;
    await remote.commit(
      {
        'charts/podinfo/Chart.yaml': chart.replace(
          'version: 0.2.0',
          'version: 0.2.1',
        ),
      },
      'Bump the podinfo chart',
    );
  };

  beforeEach(async () => {
    readPaths = [];
    remote = await createTestRemote();
    await remote.commit(
      await exampleFiles(),
      'Import the demo config repository',
    );
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-sync-test-'));
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    ({ syncStateStore, eventStore } = await createGitopsStores({
      database: mockServices.database({ knex }),
    }));
  });

  afterEach(async () => {
    await knex.destroy();
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('stores the demo pipeline and its releases on the first sync', async () => {
    const outcome = await createSync().run();
    expect(outcome).toEqual(
      expect.objectContaining({ status: 'synced', full: true }),
    );

    expect((await syncStateStore.listEnvironments()).map(e => e.name)).toEqual([
      'dev',
      'stg',
      'prod',
    ]);
    const releases = await syncStateStore.releasesFromPaths('config', 'all');
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
      {
        env: 'dev',
        name: 'podinfo-dev',
        releaseName: 'podinfo-dev',
        chart: 'podinfo@0.2.0',
        images: ['stefanprodan/podinfo:dev-kb9lm91e glob:dev-*'],
        automated: true,
      },
      {
        env: 'prod',
        name: 'podinfo-prod',
        releaseName: 'podinfo-prod',
        chart: 'podinfo@0.2.0',
        images: ['stefanprodan/podinfo:0.4.10 semver:~0.4'],
        automated: true,
      },
      {
        env: 'stg',
        name: 'podinfo-rc',
        releaseName: 'podinfo-rc',
        chart: 'podinfo@0.2.0',
        images: ['stefanprodan/podinfo:stg-9ij63o4c glob:stg-*'],
        automated: true,
      },
    ]);
    const repo = await syncStateStore.getRepository('config');
    expect(repo?.lastCommit).toBe(await remote.head());
    expect(repo?.lastError).toBeUndefined();
    const events = await eventStore.listEvents({
      releases: [],
      repositoryIds: ['config'],
      limit: 5,
    });
    expect(events[0]).toEqual(
      expect.objectContaining({
        type: 'synced',
        author: 'Test Author',
        message: 'Import the demo config repository',
      }),
    );
  });

  it('derives environments from releases/<env>/ folders when none are configured', async () => {
    await createSync(repositoryConfig(), []).run();
    expect(
      (await syncStateStore.listEnvironments()).map(
        e => `${e.order}:${e.name}`,
      ),
    ).toEqual(['1:adm', '2:dev', '3:prod', '4:stg']);
    const adm = await syncStateStore.getRelease({
      environment: 'adm',
      namespace: 'adm',
      name: 'sealed-secrets',
    });
    expect(adm).toEqual(
      expect.objectContaining({
        automated: false,
        chartName: 'sealed-secrets',
        chartVersion: '1.6.1',
      }),
    );
  });

  it('reads only the file that changed, and records who changed what', async () => {
    const sync = createSync();
    await sync.run();
    readPaths = [];
    const dev = (await exampleFiles())['releases/dev/podinfo.yaml'] as string;
    const sha = await remote.commit(
      {
        'releases/dev/podinfo.yaml': dev.replace(
          'dev-kb9lm91e',
          'dev-a1b2c3d4',
        ),
      },
      'Auto-release stefanprodan/podinfo:dev-a1b2c3d4',
    );

    const outcome = await sync.run();
    expect(outcome).toEqual(
      expect.objectContaining({ status: 'synced', full: false, files: 1 }),
    );
    expect(readPaths[0]).toEqual(['releases/dev/podinfo.yaml']);
    expect(await tags()).toEqual({
      'dev/podinfo-dev': 'dev-a1b2c3d4',
      'stg/podinfo-rc': 'stg-9ij63o4c',
      'prod/podinfo-prod': '0.4.10',
    });
    const dev2 = await syncStateStore.getRelease({
      environment: 'dev',
      namespace: 'dev',
      name: 'podinfo-dev',
    });
    expect(dev2?.commit).toBe(sha);
    const prod = await syncStateStore.getRelease({
      environment: 'prod',
      namespace: 'prod',
      name: 'podinfo-prod',
    });
    expect(prod?.commit).not.toBe(sha);

    const events = await eventStore.listEvents({
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
          from: {
            tags: { 'chart-image': 'dev-kb9lm91e' },
            chartVersion: '0.2.0',
          },
          to: {
            tags: { 'chart-image': 'dev-a1b2c3d4' },
            chartVersion: '0.2.0',
          },
        },
      }),
    );
  });

  it("names who asked for a commit made from Backstage (its Requested-by trailer), and no one for another author's", async () => {
    const dev = (await exampleFiles())['releases/dev/podinfo.yaml'] as string;
    const devKey = {
      environment: 'dev',
      namespace: 'dev',
      name: 'podinfo-dev',
    };
    const asked = async () => {
      const head = await remote.head();
      return (
        await eventStore.listEvents({
          releases: [devKey],
          repositoryIds: ['config'],
          limit: 10,
        })
      )
        .filter(e => e.commit === head)
        .map(e => [e.type, e.author, e.actor])
        .sort();
    };
    const trailer =
      'Promote stefanprodan/podinfo:dev-2 to dev\n\nFrom ci.\n\nRequested-by: user:default/jane';

    // The test remote commits as "Test Author": here, as this plugin's author.
    const portal = createSync(
      repositoryConfig(remote.url, {
        author: { name: 'Test Author', email: 'bot@example.com' },
      }),
    );
    await portal.run();
    await remote.commit(
      { 'releases/dev/podinfo.yaml': dev.replace('dev-kb9lm91e', 'dev-2') },
      trailer,
    );
    await portal.run();
    expect(await asked()).toEqual([
      ['release-updated', 'Test Author', 'user:default/jane'],
      ['synced', 'Test Author', 'user:default/jane'],
    ]);

    // The same trailer in a commit by someone else is only text.
    const other = createSync();
    await remote.commit(
      { 'releases/dev/podinfo.yaml': dev.replace('dev-kb9lm91e', 'dev-3') },
      trailer,
    );
    await other.run();
    expect(await asked()).toEqual([
      ['release-updated', 'Test Author', undefined],
      ['synced', 'Test Author', undefined],
    ]);
  });

  it('does nothing when the head did not move', async () => {
    const sync = createSync();
    await sync.run();
    readPaths = [];
    expect(await sync.run()).toEqual({
      status: 'unchanged',
      commit: await remote.head(),
    });
    expect(readPaths).toEqual([]);
  });

  it('removes a release whose file was deleted', async () => {
    const sync = createSync();
    await sync.run();
    await remote.commit(
      { 'releases/stg/podinfo.yaml': null },
      'Retire staging',
    );
    await sync.run();
    expect(Object.keys(await tags()).sort()).toEqual([
      'dev/podinfo-dev',
      'prod/podinfo-prod',
    ]);
    const events = await eventStore.listEvents({
      releases: [{ environment: 'stg', namespace: 'stg', name: 'podinfo-rc' }],
      repositoryIds: [],
      limit: 5,
    });
    expect(events[0].type).toBe('release-removed');
  });

  it('follows a chart bump into every release of the chart', async () => {
    const sync = createSync();
    await sync.run();
    await bumpPodinfoChart();
    await sync.run();
    const releases = await syncStateStore.releasesFromPaths('config', 'all');
    expect(releases.map(r => r.chartVersion)).toEqual([
      '0.2.1',
      '0.2.1',
      '0.2.1',
    ]);
  });

  it('follows a chart bump into a release that writes its chart path as ./charts/podinfo/', async () => {
    const dev = (await exampleFiles())['releases/dev/podinfo.yaml'] as string;
    await remote.commit(
      {
        'releases/dev/podinfo.yaml': dev.replace(
          'path: charts/podinfo',
          'path: ./charts/podinfo/',
        ),
      },
      'Write the chart path as a relative folder',
    );
    const sync = createSync();
    await sync.run();
    await bumpPodinfoChart();
    await sync.run();
    const releases = await syncStateStore.releasesFromPaths('config', 'all');
    expect(
      releases.map(r => [r.environment, r.chartPath, r.chartVersion]),
    ).toEqual([
      ['dev', 'charts/podinfo', '0.2.1'],
      ['prod', 'charts/podinfo', '0.2.1'],
      ['stg', 'charts/podinfo', '0.2.1'],
    ]);
  });

  it('starts over after a force-push', async () => {
    const sync = createSync();
    await sync.run();
    const dev = (await exampleFiles())['releases/dev/podinfo.yaml'] as string;
    await remote.commit(
      { 'releases/dev/podinfo.yaml': dev.replace('dev-kb9lm91e', 'dev-lost') },
      'Later lost',
    );
    await sync.run();
    await remote.forcePush(
      {
        'releases/dev/podinfo.yaml': dev.replace(
          'dev-kb9lm91e',
          'dev-rewritten',
        ),
        'releases/prod/podinfo.yaml': null,
      },
      'Rewritten history',
    );
    const outcome = await sync.run();
    expect(outcome).toEqual(
      expect.objectContaining({ status: 'synced', full: true }),
    );
    expect(await tags()).toEqual({
      'dev/podinfo-dev': 'dev-rewritten',
      'stg/podinfo-rc': 'stg-9ij63o4c',
    });
  });

  it('syncs every good file and reports the broken one with its line', async () => {
    await remote.commit(
      {
        'releases/dev/broken.yaml':
          'apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: broken\n  namespace: dev\nspec:\n  values: [unclosed\n',
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
        'releases/dev/copy.yaml': (
          await exampleFiles()
        )['releases/dev/podinfo.yaml'] as string,
      },
      'Add broken files',
    );
    await createSync().run();

    expect(Object.keys(await tags()).sort()).toEqual([
      'dev/podinfo-dev',
      'prod/podinfo-prod',
      'stg/podinfo-rc',
    ]);
    const problems = await syncStateStore.listProblems(['config']);
    const byPath = Object.fromEntries(problems.map(p => [p.path, p]));
    expect(byPath['releases/dev/broken.yaml']).toEqual(
      expect.objectContaining({ environment: 'dev', line: expect.any(Number) }),
    );
    expect(byPath['releases/dev/escape.yaml'].message).toMatch(
      /Chart path "..\/..\/etc" rejected/,
    );
    // Duplicates: the first file by path keeps the release, the other is reported.
    expect(byPath['releases/dev/podinfo.yaml'].message).toMatch(
      /dev\/podinfo-dev .* already defined in releases\/dev\/copy.yaml/,
    );
    expect(
      (
        await syncStateStore.getRelease({
          environment: 'dev',
          namespace: 'dev',
          name: 'podinfo-dev',
        })
      )?.sourcePath,
    ).toBe('releases/dev/copy.yaml');
  });

  describe('a file that does not read cleanly keeps its last good state', () => {
    const stg = { environment: 'stg', namespace: 'stg', name: 'podinfo-rc' };
    const stgPath = 'releases/stg/podinfo.yaml';
    const stgFile = async () => (await exampleFiles())[stgPath] as string;
    // The case of issue 10: a second `app:` label, on line 14.
    const withDuplicateKey = (text: string) =>
      text.replace(
        '    app: podinfo\n',
        '    app: podinfo\n    app: podinfo-rc\n',
      );
    const stgEvents = async () =>
      (
        await eventStore.listEvents({
          releases: [stg],
          repositoryIds: [],
          limit: 20,
        })
      ).map(e => e.type);

    it('keeps the release of a file with a duplicate key, and marks it until the fix', async () => {
      let now = Date.parse('2026-11-30T10:00:00Z');
      const clock = () => new Date((now += 60_000));
      const sync = new RepositorySync({
        repository: repositoryConfig(),
        environments: pipeline,
        git: CliGitRepository.create({
          id: 'config',
          remote: repositoryConfig(),
          workDir,
          logger,
        }),
        syncStateStore,
        logger,
        clock,
      });
      await sync.run();
      const good = await syncStateStore.getRelease(stg);
      const eventsBefore = await stgEvents();

      const broke = await remote.commit(
        { [stgPath]: withDuplicateKey(await stgFile()) },
        'Label staging',
      );
      expect(await sync.run()).toEqual(
        expect.objectContaining({ status: 'synced', full: false }),
      );
      expect(await syncStateStore.getRelease(stg)).toEqual(good);
      expect(await stgEvents()).toEqual(eventsBefore);
      const [problem] = await syncStateStore.listProblems(['config']);
      expect(problem).toEqual(
        expect.objectContaining({
          environment: 'stg',
          path: stgPath,
          line: 14,
          commit: broke,
          source: 'git',
          message: expect.stringMatching(/unique/),
        }),
      );
      expect(await syncStateStore.listSourceProblems(['config'])).toEqual([
        {
          repository: 'config',
          path: stgPath,
          line: 14,
          message: problem.message,
          commit: broke,
          since: problem.at,
        },
      ]);

      // Still broken a commit later: since when, and at which commit, stay.
      await remote.commit(
        {
          [stgPath]: withDuplicateKey(await stgFile()).replace(
            'replicaCount: 2',
            'replicaCount: 3',
          ),
        },
        'Scale staging',
      );
      await sync.run();
      expect(await syncStateStore.listSourceProblems(['config'])).toEqual([
        expect.objectContaining({ commit: broke, since: problem.at }),
      ]);
      expect(await syncStateStore.getRelease(stg)).toEqual(good);

      // The fix gives back what was stored: nothing changed, nothing to tell.
      await remote.commit({ [stgPath]: await stgFile() }, 'Fix the labels');
      await sync.run();
      expect(await syncStateStore.listProblems(['config'])).toEqual([]);
      expect(await syncStateStore.listSourceProblems(['config'])).toEqual([]);
      expect(await syncStateStore.getRelease(stg)).toEqual(good);
      expect(await stgEvents()).toEqual(eventsBefore);
    });

    it('keeps the release of a file renamed and broken in one commit, under its new name', async () => {
      const sync = createSync();
      await sync.run();
      const good = await syncStateStore.getRelease(stg);
      const renamed = 'releases/stg/podinfo-rc.yaml';
      await remote.commit(
        { [stgPath]: null, [renamed]: withDuplicateKey(await stgFile()) },
        'Name the staging file after its release',
      );
      await sync.run();
      expect(await syncStateStore.getRelease(stg)).toEqual({
        ...good,
        sourcePath: renamed,
      });
      expect(await syncStateStore.listSourceProblems(['config'])).toEqual([
        expect.objectContaining({ path: renamed, line: 14 }),
      ]);

      // Fixed under its new name: the release reads from there, nothing is held.
      await remote.commit({ [renamed]: await stgFile() }, 'Fix the labels');
      await sync.run();
      expect(await syncStateStore.listProblems(['config'])).toEqual([]);
      expect(await syncStateStore.getRelease(stg)).toEqual(
        expect.objectContaining({ sourcePath: renamed, images: good!.images }),
      );
    });

    it('still removes a document taken out of a file that reads cleanly', async () => {
      const two = `${await stgFile()}---\n${(await stgFile()).replace(
        /podinfo-rc/g,
        'podinfo-canary',
      )}`;
      await remote.commit({ [stgPath]: two }, 'Add a canary');
      const sync = createSync();
      await sync.run();
      expect(Object.keys(await tags())).toContain('stg/podinfo-canary');

      await remote.commit({ [stgPath]: await stgFile() }, 'Retire the canary');
      await sync.run();
      expect(Object.keys(await tags()).sort()).toEqual([
        'dev/podinfo-dev',
        'prod/podinfo-prod',
        'stg/podinfo-rc',
      ]);
      const events = await eventStore.listEvents({
        releases: [{ ...stg, name: 'podinfo-canary' }],
        repositoryIds: [],
        limit: 1,
      });
      expect(events[0]).toEqual(
        expect.objectContaining({ type: 'release-removed' }),
      );
    });

    it('keeps every release of a file when one of its documents is refused', async () => {
      const two = `${await stgFile()}---\n${(await stgFile()).replace(
        /podinfo-rc/g,
        'podinfo-canary',
      )}`;
      await remote.commit({ [stgPath]: two }, 'Add a canary');
      const sync = createSync();
      await sync.run();
      const before = await tags();

      // The canary's chart block loses its type: that document is left out.
      await remote.commit(
        {
          [stgPath]: two.replace(
            /(podinfo-canary[\s\S]*?)chart:\n/,
            '$1chart: 42\n  old-chart:\n',
          ),
        },
        'Break the canary',
      );
      await sync.run();
      expect(await tags()).toEqual(before);
      expect(await syncStateStore.listSourceProblems(['config'])).toEqual([
        expect.objectContaining({
          path: stgPath,
          message: expect.stringMatching(/spec\.chart/),
        }),
      ]);
    });

    it('keeps a broken file through a full sync after a force-push', async () => {
      const sync = createSync();
      await sync.run();
      const good = await syncStateStore.getRelease(stg);
      const dev = (await exampleFiles())['releases/dev/podinfo.yaml'] as string;
      await remote.commit(
        { [stgPath]: withDuplicateKey(await stgFile()) },
        'Later rewritten',
      );
      await sync.run();
      await remote.forcePush(
        {
          [stgPath]: withDuplicateKey(await stgFile()),
          'releases/dev/podinfo.yaml': dev.replace(
            'dev-kb9lm91e',
            'dev-rewritten',
          ),
        },
        'Rewritten history',
      );
      expect(await sync.run()).toEqual(
        expect.objectContaining({ status: 'synced', full: true }),
      );
      expect(await syncStateStore.getRelease(stg)).toEqual(good);
      expect(await tags()).toEqual(
        expect.objectContaining({
          'dev/podinfo-dev': 'dev-rewritten',
          'stg/podinfo-rc': 'stg-9ij63o4c',
        }),
      );
      expect(await stgEvents()).not.toContain('release-removed');
      expect(await syncStateStore.listSourceProblems(['config'])).toEqual([
        expect.objectContaining({ path: stgPath, line: 14 }),
      ]);
    });

    it('keeps the release of a file that is not UTF-8', async () => {
      const sync = createSync();
      await sync.run();
      const good = await syncStateStore.getRelease(stg);
      const text = await stgFile();
      await remote.commit(
        {
          [stgPath]: Buffer.concat([
            Buffer.from(text.replace('stg-9ij63o4c', 'stg-')),
            Buffer.from([0xff, 0x0a]),
          ]),
        },
        'Bad bytes',
      );
      await sync.run();
      expect(await syncStateStore.getRelease(stg)).toEqual(good);
      expect(await syncStateStore.listSourceProblems(['config'])).toEqual([
        expect.objectContaining({
          path: stgPath,
          message: expect.stringMatching(/not valid UTF-8/),
        }),
      ]);
    });

    it('keeps the release that was there when another file claims its name', async () => {
      const sync = createSync();
      await sync.run();
      const good = await syncStateStore.getRelease(stg);
      // "a-copy" sorts before "podinfo": order alone would let the newcomer win.
      await remote.commit(
        {
          'releases/stg/a-copy.yaml': (
            await stgFile()
          ).replace('stg-9ij63o4c', 'stg-hijack'),
          [stgPath]: (
            await stgFile()
          ).replace('replicaCount: 2', 'replicaCount: 3'),
        },
        'Copy staging',
      );
      await sync.run();
      const kept = await syncStateStore.getRelease(stg);
      expect(kept?.sourcePath).toBe(stgPath);
      expect(kept?.spec).toEqual(
        expect.objectContaining({
          values: expect.objectContaining({ replicaCount: 3 }),
        }),
      );
      expect(good?.sourcePath).toBe(stgPath);
      expect(await syncStateStore.listSourceProblems(['config'])).toEqual([
        expect.objectContaining({
          path: 'releases/stg/a-copy.yaml',
          message: expect.stringMatching(
            /stg\/podinfo-rc .* already defined in releases\/stg\/podinfo.yaml/,
          ),
        }),
      ]);
    });
  });

  it('stops before writing once the task is aborted', async () => {
    const sync = createSync();
    await sync.run();
    const before = await syncStateStore.getRepository('config');
    await remote.commit(
      { 'releases/stg/podinfo.yaml': null },
      'Retire staging',
    );
    const controller = new AbortController();
    controller.abort();
    const outcome = await sync.run(controller.signal);
    expect(outcome).toEqual({
      status: 'failed',
      error: expect.stringMatching(/^Aborted/),
    });
    expect(await syncStateStore.getRepository('config')).toEqual(before);
    expect(Object.keys(await tags())).toHaveLength(3);
  });

  it('keeps the last good state and records the error when the remote is gone', async () => {
    const sync = createSync();
    await sync.run();
    const before = await tags();
    await fs.rm(remote.path, { recursive: true, force: true });

    const outcome = await sync.run();
    expect(outcome.status).toBe('failed');
    expect(await tags()).toEqual(before);
    const repo = await syncStateStore.getRepository('config');
    expect(repo?.lastError).toMatch(/git fetch/);
    expect(repo?.lastErrorAt).toBeDefined();
    expect((await syncStateStore.listProblems(['config']))[0]).toEqual(
      expect.objectContaining({ path: '', repository: 'config' }),
    );
  });

  it('records rejected credentials without the credential, and keeps the state', async () => {
    const server = await startHttpGitServer({
      root: remote.root,
      token: 'right-token',
    });
    try {
      const good = createSync(
        repositoryConfig(server.url, {
          auth: { type: 'token', token: 'right-token' },
        }),
      );
      expect((await good.run()).status).toBe('synced');

      const bad = createSync(
        repositoryConfig(server.url, {
          auth: { type: 'token', token: 'wrong-token-42' },
        }),
      );
      const outcome = await bad.run();
      expect(outcome.status).toBe('failed');
      const repo = await syncStateStore.getRepository('config');
      expect(repo?.lastError).toMatch(/credentials/);
      expect(repo?.lastError).not.toContain('wrong-token-42');
      expect(Object.keys(await tags())).toHaveLength(3);
    } finally {
      await server.stop();
    }
  });
});

describe('RepositorySync against each database', () => {
  const databases = createTestDatabases();
  const logger = mockServices.logger.mock();
  const stg = { environment: 'stg', namespace: 'stg', name: 'podinfo-rc' };
  let remote: TestRemote;
  let workDir: string;

  beforeEach(async () => {
    remote = await createTestRemote();
    await remote.commit(
      await exampleFiles(),
      'Import the demo config repository',
    );
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-sync-db-test-'));
  });

  afterEach(async () => {
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const { syncStateStore } = await createGitopsStores({
      database: mockServices.database({ knex }),
    });
    const repository: RepositoryConfig = {
      id: 'config',
      url: remote.url,
      branch: 'main',
      auth: { type: 'none' },
      author: { name: 'bot', email: 'bot@example.com' },
      schedule: {
        frequency: { minutes: 1 },
        timeout: { minutes: 1 },
        initialDelay: { seconds: 0 },
      },
    };
    const git = CliGitRepository.create({
      id: 'config',
      remote: repository,
      workDir,
      logger,
    });
    const sync = new RepositorySync({
      repository,
      environments: pipeline,
      git,
      syncStateStore,
      logger,
    });
    expect((await sync.run()).status).toBe('synced');
    return { knex, syncStateStore, sync };
  }

  it.each(databases.eachSupportedId())(
    'turns values the store cannot hold into problems of their file and stores the rest on %p',
    async databaseId => {
      const { syncStateStore, sync } = await setUp(databaseId);
      const good = await syncStateStore.getRelease(stg);
      const files = await exampleFiles();
      const long = `stg-${'a'.repeat(300)}`;
      await remote.commit(
        {
          'releases/stg/podinfo.yaml': files[
            'releases/stg/podinfo.yaml'
          ].replace('stg-9ij63o4c', long),
          // YAML's "\0" escape is a NUL byte.
          'releases/prod/podinfo.yaml': files[
            'releases/prod/podinfo.yaml'
          ].replace('0.4.10', '"0.4.10\\0"'),
          'releases/dev/podinfo.yaml': files[
            'releases/dev/podinfo.yaml'
          ].replace('dev-kb9lm91e', 'dev-a1b2c3d4'),
        },
        'Odd values',
      );

      expect(await sync.run()).toEqual(
        expect.objectContaining({ status: 'synced' }),
      );
      expect(await syncStateStore.getRelease(stg)).toEqual(good);
      expect(
        (
          await syncStateStore.getRelease({
            environment: 'prod',
            namespace: 'prod',
            name: 'podinfo-prod',
          })
        )?.images[0].tag,
      ).toBe('0.4.10');
      expect(
        (
          await syncStateStore.getRelease({
            environment: 'dev',
            namespace: 'dev',
            name: 'podinfo-dev',
          })
        )?.images[0].tag,
      ).toBe('dev-a1b2c3d4');
      const problems = Object.fromEntries(
        (await syncStateStore.listSourceProblems(['config'])).map(p => [
          p.path,
          p.message,
        ]),
      );
      expect(problems).toEqual({
        'releases/prod/podinfo.yaml': expect.stringMatching(
          /tag contains a NUL byte/,
        ),
        'releases/stg/podinfo.yaml': expect.stringMatching(
          /tag is 304 characters long, over the limit of 255/,
        ),
      });
      expect(
        (await syncStateStore.getRepository('config'))?.lastError,
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'records a store failure as the repository error and keeps what was stored on %p',
    async databaseId => {
      const { knex, syncStateStore, sync } = await setUp(databaseId);
      const before = await syncStateStore.releasesFromPaths('config', 'all');
      const lastCommit = (await syncStateStore.getRepository('config'))
        ?.lastCommit;
      const dev = (await exampleFiles())['releases/dev/podinfo.yaml'];
      await remote.commit(
        {
          'releases/dev/podinfo.yaml': dev.replace(
            'dev-kb9lm91e',
            'dev-a1b2c3d4',
          ),
        },
        'Bump dev',
      );
      // The transaction fails when it writes the sync's events.
      await knex.schema.dropTable('gitops_events');

      const outcome = await sync.run();
      expect(outcome).toEqual({
        status: 'failed',
        error: expect.stringMatching(/^Sync failed: .*gitops_events/),
      });
      const repository = await syncStateStore.getRepository('config');
      expect(repository).toEqual(
        expect.objectContaining({
          lastCommit,
          lastError: outcome.status === 'failed' ? outcome.error : '',
        }),
      );
      expect(await syncStateStore.releasesFromPaths('config', 'all')).toEqual(
        before,
      );
      expect(await syncStateStore.listProblems(['config'])).toEqual([
        expect.objectContaining({
          path: '',
          repository: 'config',
          message: expect.stringMatching(/^Sync failed/),
        }),
      ]);
    },
  );
});

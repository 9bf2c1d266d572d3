import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Knex } from 'knex';
import { EnvironmentConfig, RepositoryConfig } from '../config/GitopsConfig';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import { GitopsStores } from '../database/gitopsStores';
import { CliGitRepository, GitRepository } from '../git';
import {
  createTestRemote,
  runTestGit,
  TestFiles,
  TestRemote,
} from '../git/__testUtils__';
import { ImageScanner } from '../registry';
import { InMemoryImageMetadataCache } from '../registry/__testUtils__/InMemoryImageMetadataCache';
import { pushTestImage } from '../registry/__testUtils__/pushTestImage';
import {
  startTestRegistry,
  TestRegistry,
} from '../registry/__testUtils__/startTestRegistry';
import { RepositorySync } from '../sync/RepositorySync';
import { IMAGE, PIPELINE } from '../actions/__testUtils__/actionsFixture';
import { ImageAutomation } from './ImageAutomation';
import { exampleConfigRepoFiles } from '../__testUtils__/exampleConfigRepo';

jest.setTimeout(90_000);

const exampleFiles = exampleConfigRepoFiles;

const pipeline: EnvironmentConfig[] = PIPELINE;

describe('ImageAutomation', () => {
  let registry: TestRegistry;
  let remote: TestRemote;
  let workDir: string;
  let knex: Knex;
  let stores: GitopsStores;
  let seed: Record<string, string>;
  const logger = mockServices.logger.mock();

  const repository = (): RepositoryConfig => ({
    id: 'config',
    url: remote.url,
    branch: 'main',
    auth: { type: 'none' },
    author: { name: 'Image Bot', email: 'bot@example.com' },
    schedule: {
      frequency: { minutes: 1 },
      timeout: { minutes: 1 },
      initialDelay: { seconds: 0 },
    },
  });

  const push = (tag: string, created: string, repo = IMAGE) =>
    pushTestImage(registry, { repository: repo, tag, created });

  async function sync() {
    const repo = repository();
    await new RepositorySync({
      repository: repo,
      environments: pipeline,
      git: CliGitRepository.create({
        id: 'config',
        remote: repo,
        workDir: path.join(workDir, 'sync'),
        logger,
      }),
      syncStateStore: stores.syncStateStore,
      logger,
    }).run();
  }

  function automation(
    git?: GitRepository,
    registries = [{ host: 'docker.io', url: registry.url }],
    /** Runs after each registry scan: what happens in git while automation decides. */
    afterScan?: () => Promise<void>,
    log = logger,
  ) {
    const repo = repository();
    const scanner = new ImageScanner({
      registries,
      cache: new InMemoryImageMetadataCache(),
      logger,
    });
    return new ImageAutomation({
      repository: repo,
      git:
        git ??
        CliGitRepository.create({
          id: 'config',
          remote: repo,
          workDir: path.join(workDir, 'automation'),
          logger,
        }),
      syncStateStore: stores.syncStateStore,
      imageStatusStore: stores.imageStatusStore,
      eventStore: stores.eventStore,
      images: {
        async scan(image, wantsTimestamp) {
          const result = await scanner.scan(image, wantsTimestamp);
          await afterScan?.();
          return result;
        },
      },
      logger: log,
    });
  }

  const file = async (rev: string, name: string) =>
    runTestGit([`--git-dir=${remote.path}`, 'show', `${rev}:${name}`]);
  const log = async () =>
    (
      await runTestGit([
        `--git-dir=${remote.path}`,
        'log',
        '--format=%s',
        'main',
      ])
    ).split('\n');

  beforeEach(async () => {
    // A registry per test: what one test pushes must not move another's releases.
    registry = await startTestRegistry();
    await push('dev-kb9lm91e', '2026-11-03T10:00:00Z');
    await push('stg-9ij63o4c', '2026-11-02T10:00:00Z');
    await push('0.4.10', '2026-11-01T10:00:00Z');
    seed = await exampleFiles();
    remote = await createTestRemote();
    await remote.commit(seed as TestFiles, 'Import');
    workDir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'gitops-automation-test-'),
    );
    ({ knex, ...stores } = await createMemoryStore());
    await sync();
  });

  afterEach(async () => {
    await registry?.stop();
    await knex.destroy();
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('leaves everything alone when the registry offers nothing newer, and never commits empty', async () => {
    const head = await remote.head();
    expect(await automation().run()).toEqual({
      status: 'unchanged',
      updates: [],
    });
    expect(await remote.head()).toBe(head);
    const dev = await stores.syncStateStore.getRelease({
      environment: 'dev',
      namespace: 'dev',
      name: 'podinfo-dev',
    });
    expect(dev?.images[0].status).toEqual(
      expect.objectContaining({
        latestTag: 'dev-kb9lm91e',
        checkedAt: expect.any(String),
      }),
    );
  });

  it('moves dev and prod per their policies in one commit, byte for byte outside the tags', async () => {
    await push('dev-newer111', '2026-11-20T10:00:00Z');
    await push('dev-older000', '2026-10-01T10:00:00Z'); // pushed later, built earlier
    await push('0.4.11', '2026-11-04T10:00:00Z');
    await push('0.5.0', '2026-11-05T10:00:00Z');
    const before = await remote.head();

    const outcome = await automation().run();
    expect(outcome.status).toBe('committed');
    const head = await remote.head();
    await expect(log()).resolves.toEqual(
      expect.arrayContaining(['Auto-release multiple (2) images']),
    );
    const message = await runTestGit([
      `--git-dir=${remote.path}`,
      'log',
      '-1',
      '--format=%B',
      'main',
    ]);
    expect(message).toBe(
      'Auto-release multiple (2) images\n\n - stefanprodan/podinfo:0.4.11\n - stefanprodan/podinfo:dev-newer111',
    );
    const changed = await runTestGit([
      `--git-dir=${remote.path}`,
      'diff',
      '--name-only',
      before!,
      head!,
    ]);
    expect(changed.split('\n').sort()).toEqual([
      'releases/dev/podinfo.yaml',
      'releases/prod/podinfo.yaml',
    ]);
    expect(await file(head!, 'releases/dev/podinfo.yaml')).toBe(
      seed['releases/dev/podinfo.yaml']
        .replace('tag: dev-kb9lm91e', 'tag: dev-newer111')
        .trimEnd(),
    );
    expect(await file(head!, 'releases/prod/podinfo.yaml')).toBe(
      seed['releases/prod/podinfo.yaml']
        .replace('tag: 0.4.10', 'tag: 0.4.11')
        .trimEnd(),
    );
    const author = await runTestGit([
      `--git-dir=${remote.path}`,
      'log',
      '-1',
      '--format=%an <%ae>',
      'main',
    ]);
    expect(author).toBe('Image Bot <bot@example.com>');

    const events = await stores.eventStore.listEvents({
      releases: [
        { environment: 'prod', namespace: 'prod', name: 'podinfo-prod' },
      ],
      repositoryIds: [],
      limit: 5,
    });
    expect(events[0]).toEqual(
      expect.objectContaining({
        type: 'image-updated',
        commit: head,
        details: {
          container: 'chart-image',
          image: IMAGE,
          from: '0.4.10',
          to: '0.4.11',
        },
      }),
    );

    // Once synced, the same tags give the same choice: nothing more to do.
    await sync();
    expect((await automation().run()).status).toBe('unchanged');
  });

  it('never touches stg or prod with a dev tag, and 0.5.0 does not move prod', async () => {
    await push('dev-zzz', '2026-11-21T10:00:00Z');
    await push('0.5.0', '2026-11-22T10:00:00Z');
    const before = await remote.head();
    await automation().run();
    const changed = await runTestGit([
      `--git-dir=${remote.path}`,
      'diff',
      '--name-only',
      before!,
      'main',
    ]);
    expect(changed).toBe('releases/dev/podinfo.yaml');
    const prod = await stores.syncStateStore.getRelease({
      environment: 'prod',
      namespace: 'prod',
      name: 'podinfo-prod',
    });
    expect(prod?.images[0].status?.latestTag).toBe('0.4.10');
  });

  it('leaves locked and manual releases alone but still reports what is available', async () => {
    const dev = seed['releases/dev/podinfo.yaml'].replace(
      '    fluxcd.io/automated: "true"',
      '    fluxcd.io/automated: "true"\n    fluxcd.io/locked: "true"',
    );
    const stg = seed['releases/stg/podinfo.yaml'].replace(
      '    fluxcd.io/automated: "true"\n',
      '',
    );
    await remote.commit(
      { 'releases/dev/podinfo.yaml': dev, 'releases/stg/podinfo.yaml': stg },
      'Lock dev, stop automating stg',
    );
    await sync();
    await push('dev-locked1', '2026-11-21T10:00:00Z');
    await push('stg-manual1', '2026-11-21T10:00:00Z');
    const head = await remote.head();

    expect((await automation().run()).status).toBe('unchanged');
    expect(await remote.head()).toBe(head);
    const stgRelease = await stores.syncStateStore.getRelease({
      environment: 'stg',
      namespace: 'stg',
      name: 'podinfo-rc',
    });
    expect(stgRelease?.images[0].status?.latestTag).toBe('stg-manual1');
    const devRelease = await stores.syncStateStore.getRelease({
      environment: 'dev',
      namespace: 'dev',
      name: 'podinfo-dev',
    });
    expect(devRelease?.images[0].status?.latestTag).toBe('dev-locked1');
  });

  it('re-applies on the new head when someone pushes first: both commits survive, history stays linear', async () => {
    await push('dev-race001', '2026-11-21T10:00:00Z');
    const repo = repository();
    const git = CliGitRepository.create({
      id: 'config',
      remote: repo,
      workDir: path.join(workDir, 'automation'),
      logger,
    });
    const realPush = git.push.bind(git);
    let raced = false;
    git.push = async commit => {
      if (!raced) {
        raced = true;
        await remote.commit(
          { 'releases/stg/notes.txt': 'someone else\n' },
          'A human commit',
        );
      }
      return realPush(commit);
    };

    const outcome = await automation(git).run();
    expect(outcome.status).toBe('committed');
    expect(await log()).toEqual([
      'Auto-release stefanprodan/podinfo:dev-race001',
      'A human commit',
      'Import',
    ]);
    const merges = await runTestGit([
      `--git-dir=${remote.path}`,
      'rev-list',
      '--merges',
      'main',
    ]);
    expect(merges).toBe('');
    expect(await file('main', 'releases/stg/notes.txt')).toBe('someone else');
  });

  it('keeps a release whose registry fails, records why, and moves the others', async () => {
    const other = `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: worker
  namespace: dev
  annotations:
    fluxcd.io/automated: "true"
spec:
  chart:
    git: git@example.com:config
    path: charts/podinfo
  values:
    image:
      repository: 127.0.0.1:1/org/worker
      tag: "1.0"
`;
    await remote.commit(
      { 'releases/dev/worker.yaml': other },
      'Add a worker on a dead registry',
    );
    await sync();
    await push('dev-alive01', '2026-11-21T10:00:00Z');

    const outcome = await automation(undefined, [
      { host: 'docker.io', url: registry.url },
      { host: '127.0.0.1:1', url: 'http://127.0.0.1:1' },
    ]).run();
    expect(outcome.status).toBe('committed');
    expect(await file('main', 'releases/dev/podinfo.yaml')).toContain(
      'tag: dev-alive01',
    );
    expect(await file('main', 'releases/dev/worker.yaml')).toContain(
      'tag: "1.0"',
    );
    const worker = await stores.syncStateStore.getRelease({
      environment: 'dev',
      namespace: 'dev',
      name: 'worker',
    });
    expect(worker?.images[0].status).toEqual(
      expect.objectContaining({
        error: expect.stringMatching(/127\.0\.0\.1:1/),
        checkedAt: expect.any(String),
      }),
    );
  });

  it('never contacts a registry host a release file names unless it is allowed, and says what to configure', async () => {
    // A listener on this machine that a pushed release file points the scanner at.
    let connections = 0;
    const listener = net.createServer(socket => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>(resolve =>
      listener.listen(0, '127.0.0.1', resolve),
    );
    const { port } = listener.address() as net.AddressInfo;
    try {
      const DEV = 'releases/dev/podinfo.yaml';
      await remote.commit(
        {
          [DEV]: seed[DEV].replace(
            `repository: ${IMAGE}`,
            `repository: 127.0.0.1:${port}/team/podinfo`,
          ),
        },
        'Point dev at a host nobody configured',
      );
      await sync();

      await automation().run();
      await automation().run();
      expect(connections).toBe(0);
      const dev = await stores.syncStateStore.getRelease({
        environment: 'dev',
        namespace: 'dev',
        name: 'podinfo-dev',
      });
      expect(dev?.images[0].status?.error).toBe(
        `127.0.0.1:${port}/team/podinfo: registry host 127.0.0.1:${port} is not allowed: add it to gitops.registries`,
      );
      // Configured, the same host is read: the policy is what kept the scanner away.
      await automation(undefined, [
        { host: 'docker.io', url: registry.url },
        { host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}` },
      ]).run();
      expect(connections).toBeGreaterThan(0);
    } finally {
      await new Promise(resolve => listener.close(resolve));
    }
  });

  it('answers policies written to stall a backtracking engine, and refuses an oversized one for its release alone', async () => {
    const sha = 'a3f9c2e17b04d58e6c1f2a9b7d3e05c4f8a1b2c3';
    const longA = `${'a'.repeat(60)}x`;
    // Each policy below fails on one of these only after trying every split of it: hours for JavaScript's RegExp.
    await push('a'.repeat(100), '2026-11-21T10:00:00Z');
    await push(sha, '2026-11-20T10:00:00Z');
    await push(`${sha}x`, '2026-11-19T10:00:00Z');
    await push(longA, '2026-11-18T10:00:00Z');
    const [DEV, STG, PROD] = ['dev', 'stg', 'prod'].map(
      env => `releases/${env}/podinfo.yaml`,
    );
    await remote.commit(
      {
        [DEV]: seed[DEV].replace('glob:dev-*', 'regex:^([0-9a-f]+)+x$'),
        [STG]: seed[STG].replace('glob:stg-*', `glob:${'*a'.repeat(40)}*x`),
        // Short, but 499 counted optional groups: too large a program to match every tag with.
        [PROD]: seed[PROD].replace('semver:~0.4', 'regex:(a?){499}'),
      },
      'Policies that stall a backtracking engine',
    );
    await sync();

    const outcome = await automation().run();
    expect(outcome.status).toBe('committed');
    expect(await file('main', DEV)).toContain(`tag: ${sha}x`);
    expect(await file('main', STG)).toContain(`tag: ${longA}`);
    expect(await file('main', PROD)).toContain('tag: 0.4.10');
    const prod = await stores.syncStateStore.getRelease({
      environment: 'prod',
      namespace: 'prod',
      name: 'podinfo-prod',
    });
    expect(prod?.images[0].status?.error).toMatch(
      /^Invalid policy: the regular expression "\(a\?\)\{499\}" compiles to \d+ instructions/,
    );
  });

  describe('decides again from the file at the head it writes on', () => {
    const DEV = 'releases/dev/podinfo.yaml';
    const PROD = 'releases/prod/podinfo.yaml';
    const devKey = {
      environment: 'dev',
      namespace: 'dev',
      name: 'podinfo-dev',
    };

    beforeEach(async () => {
      await push('dev-newer111', '2026-11-20T10:00:00Z');
      await push('dev-pinned22', '2026-11-10T10:00:00Z');
      await push('0.4.11', '2026-11-04T10:00:00Z');
    });

    /** Commits to the remote once, after the first scan, without a sync: the store never hears of it. */
    const onceAfterScan = (files: TestFiles, message: string) => {
      let pushed = false;
      return async () => {
        if (pushed) return;
        pushed = true;
        await remote.commit(files, message);
      };
    };

    it('makes no commit for a release locked while the registry was scanned', async () => {
      const locked = seed[DEV].replace(
        '    fluxcd.io/automated: "true"\n',
        '    fluxcd.io/automated: "true"\n    fluxcd.io/locked: "true"\n',
      );
      const lock = onceAfterScan({ [DEV]: locked }, 'Lock dev');

      const outcome = await automation(undefined, undefined, lock).run();
      // The store still said unlocked; the head said locked, and the head won.
      expect((await stores.syncStateStore.getRelease(devKey))?.locked).toBe(
        false,
      );
      expect(outcome.status).toBe('committed');
      expect(outcome.updates.map(u => u.release.environment)).toEqual(['prod']);
      expect(await log()).toEqual([
        'Auto-release stefanprodan/podinfo:0.4.11',
        'Lock dev',
        'Import',
      ]);
      expect(await file('main', DEV)).toBe(locked.trimEnd());
    });

    it('commits nothing at all when every release it would move was locked meanwhile', async () => {
      const locked = (content: string) =>
        content.replace(
          '    fluxcd.io/automated: "true"\n',
          '    fluxcd.io/locked: "true"\n    fluxcd.io/automated: "true"\n',
        );
      const lock = onceAfterScan(
        { [DEV]: locked(seed[DEV]), [PROD]: locked(seed[PROD]) },
        'Lock dev and prod',
      );
      const outcome = await automation(undefined, undefined, lock).run();
      expect(outcome).toEqual({ status: 'unchanged', updates: [] });
      expect(await log()).toEqual(['Lock dev and prod', 'Import']);
    });

    it('applies the policy written at the head, not the one the store had', async () => {
      const narrowed = seed[DEV].replace('glob:dev-*', 'glob:dev-pinned*');
      const narrow = onceAfterScan(
        { [DEV]: narrowed },
        'Pin dev to the pinned builds',
      );

      const outcome = await automation(undefined, undefined, narrow).run();
      expect(outcome.status).toBe('committed');
      // glob:dev-* chose dev-newer111; the head's glob:dev-pinned* chooses dev-pinned22.
      expect(await file('main', DEV)).toBe(
        narrowed.replace('tag: dev-kb9lm91e', 'tag: dev-pinned22').trimEnd(),
      );
      const dev = outcome.updates.find(u => u.release.environment === 'dev');
      expect(dev).toMatchObject({
        to: 'dev-pinned22',
        image: { policy: 'glob:dev-pinned*', tag: 'dev-kb9lm91e' },
      });
    });

    it('leaves a file that does not read cleanly alone, commits the others, and says so once', async () => {
      // A duplicate key pushed after the last sync: the store holds the clean release.
      const broken = seed[DEV].replace(
        '  labels:\n',
        '  name: podinfo-dev\n  labels:\n',
      );
      expect(broken).not.toBe(seed[DEV]);
      const brokenHead = await remote.commit({ [DEV]: broken }, 'A typo');
      const warn = mockServices.logger.mock();

      const outcome = await automation(
        undefined,
        undefined,
        undefined,
        warn,
      ).run();
      expect(outcome.status).toBe('committed');
      expect(outcome.updates.map(u => u.release.environment)).toEqual(['prod']);
      expect(await log()).toEqual([
        'Auto-release stefanprodan/podinfo:0.4.11',
        'A typo',
        'Import',
      ]);
      expect(await file('main', DEV)).toBe(broken.trimEnd());
      expect(warn.warn).toHaveBeenCalledWith(
        'Image automation skipped a file that does not read cleanly',
        expect.objectContaining({ path: DEV, line: expect.any(Number) }),
      );

      const skippedEvents = async () =>
        (
          await stores.eventStore.listEvents({
            releases: [devKey],
            repositoryIds: [],
            limit: 10,
          })
        ).filter(e => e.type === 'automation-skipped');
      const [event] = await skippedEvents();
      expect(event).toEqual(
        expect.objectContaining({
          type: 'automation-skipped',
          commit: brokenHead,
          details: expect.objectContaining({
            path: DEV,
            line: expect.any(Number),
            error: expect.any(String),
          }),
          message: expect.stringMatching(
            new RegExp(
              `^${DEV} line \\d+ does not read cleanly at ${brokenHead.slice(
                0,
                12,
              )}: .*leaves it alone until it is fixed$`,
            ),
          ),
        }),
      );

      // The next run finds the same problem: logged again, but no second event.
      expect(
        (await automation(undefined, undefined, undefined, warn).run()).status,
      ).toBe('unchanged');
      expect(await skippedEvents()).toHaveLength(1);
    });

    it('stops before recording or pushing once its run is aborted', async () => {
      const controller = new AbortController();
      const before = await remote.head();
      const outcome = await automation(undefined, undefined, async () => {
        controller.abort();
      }).run(controller.signal);
      expect(outcome).toEqual({ status: 'aborted', updates: [] });
      expect(await remote.head()).toBe(before);
      // The scan's findings are not recorded either: the next run, maybe on another replica, records its own.
      expect(
        (await stores.syncStateStore.getRelease(devKey))?.images[0].status,
      ).toBeUndefined();
    });

    it('pushes nothing when aborted while the commit is being written', async () => {
      const controller = new AbortController();
      const git = CliGitRepository.create({
        id: 'config',
        remote: repository(),
        workDir: path.join(workDir, 'automation'),
        logger,
      });
      const realCreate = git.createCommit.bind(git);
      git.createCommit = async options => {
        const commit = await realCreate(options);
        controller.abort();
        return commit;
      };
      const before = await remote.head();
      const outcome = await automation(git).run(controller.signal);
      expect(outcome).toEqual({ status: 'aborted', updates: [] });
      expect(await remote.head()).toBe(before);
      const events = await stores.eventStore.listEvents({
        releases: [devKey],
        repositoryIds: ['config'],
        limit: 10,
      });
      expect(events.filter(e => e.type === 'automation-failed')).toEqual([]);
    });
  });
});

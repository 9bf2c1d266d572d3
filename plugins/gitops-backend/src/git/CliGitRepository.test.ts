import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { CliGitRepository } from './CliGitRepository';
import { GitCommandError } from './GitCommandError';
import { GitRemote } from './types';
import { createTestRemote, TestRemote } from './__testUtils__/createTestRemote';
import { runTestGit } from './__testUtils__/runTestGit';

// Counts the git processes started, without changing what they do.
jest.mock('node:child_process', () => {
  const actual = jest.requireActual('node:child_process');
  return { ...actual, spawn: jest.fn(actual.spawn) };
});
const spawn = jest.requireMock('node:child_process').spawn as jest.Mock;

jest.setTimeout(30_000);

describe('CliGitRepository over file://', () => {
  let remote: TestRemote;
  let workDir: string;
  const logger = mockServices.logger.mock();

  const open = (
    options: {
      id?: string;
      remote?: Partial<GitRemote>;
      timeoutMs?: number;
    } = {},
  ) =>
    CliGitRepository.create({
      id: options.id ?? 'config',
      remote: {
        url: remote.url,
        branch: remote.branch,
        auth: { type: 'none' },
        ...options.remote,
      },
      workDir,
      logger,
      timeoutMs: options.timeoutMs,
    });

  beforeEach(async () => {
    remote = await createTestRemote();
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-test-work-'));
    jest.clearAllMocks();
  });

  afterEach(async () => {
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('clones on first fetch, follows new commits, and stores no remote URL', async () => {
    const first = await remote.commit(
      { 'releases/dev/a.yaml': 'a: 1\n' },
      'first',
    );
    const git = open();

    await expect(git.fetch()).resolves.toBe(first);
    const second = await remote.commit(
      { 'releases/dev/a.yaml': 'a: 2\n' },
      'second',
    );
    await expect(git.fetch()).resolves.toBe(second);

    const mirror = path.join(workDir, 'config');
    await expect(
      runTestGit([`--git-dir=${mirror}`, 'rev-parse', '--is-bare-repository']),
    ).resolves.toBe('true');
    const config = await fs.readFile(path.join(mirror, 'config'), 'utf8');
    expect(config).not.toContain(remote.path);
    // Every scheduled fetch logs this, so at debug level.
    expect(logger.debug).toHaveBeenCalledWith(
      'Fetched',
      expect.objectContaining({
        repository: 'config',
        branch: 'main',
        head: second,
      }),
    );
  });

  it('lists the tree under a prefix with modes, types, sizes and full paths', async () => {
    const head = await remote.commit({
      'releases/dev/a.yaml': 'abc',
      'releases/dev/link.yaml': { symlink: '../prod/b.yaml' },
      'releases/prod/b.yaml': 'b',
      'README.md': '# config',
    });
    const git = open();
    await git.fetch();

    const entries = await git.listTree(head, 'releases/dev');
    expect(entries).toEqual([
      {
        path: 'releases/dev/a.yaml',
        mode: '100644',
        type: 'blob',
        sha: expect.stringMatching(/^[0-9a-f]{40}$/),
        size: 3,
      },
      {
        path: 'releases/dev/link.yaml',
        mode: '120000',
        type: 'blob',
        sha: expect.any(String),
        size: 14,
      },
    ]);

    const all = await git.listTree(head);
    expect(all.map(entry => `${entry.type} ${entry.path}`)).toEqual([
      'blob README.md',
      'tree releases',
      'tree releases/dev',
      'blob releases/dev/a.yaml',
      'blob releases/dev/link.yaml',
      'tree releases/prod',
      'blob releases/prod/b.yaml',
    ]);
    expect(all.find(entry => entry.type === 'tree')!.size).toBeUndefined();
    await expect(git.listTree(head, '/releases/prod/')).resolves.toHaveLength(
      1,
    );
  });

  it('lists nothing under a missing prefix or a file, but fails for an unknown commit', async () => {
    const head = await remote.commit({ 'a.yaml': 'a' });
    const git = open();
    await git.fetch();

    await expect(git.listTree(head, 'releases')).resolves.toEqual([]);
    await expect(git.listTree(head, 'a.yaml')).resolves.toEqual([]);
    await expect(git.listTree('f'.repeat(40), 'releases')).rejects.toThrow(
      NotFoundError,
    );
    await expect(git.listTree(head, '../etc')).rejects.toThrow(InputError);
  });

  it('reads many files in one git process, leaving out missing paths and directories', async () => {
    const head = await remote.commit({
      'releases/dev/a.yaml': 'a: 1\n',
      'releases/dev/b.yaml': Buffer.from([0, 1, 2, 255]),
      'releases/dev/empty.yaml': '',
    });
    const git = open();
    await git.fetch();
    spawn.mockClear();

    const files = await git.readFiles(head, [
      'releases/dev/a.yaml',
      'releases/dev/b.yaml',
      'releases/dev/empty.yaml',
      'releases/dev/missing.yaml',
      'releases/dev',
    ]);

    expect(spawn).toHaveBeenCalledTimes(1);
    expect(spawn.mock.calls[0][1]).toEqual(
      expect.arrayContaining(['cat-file', '--batch']),
    );
    expect([...files.keys()].sort()).toEqual([
      'releases/dev/a.yaml',
      'releases/dev/b.yaml',
      'releases/dev/empty.yaml',
    ]);
    expect(files.get('releases/dev/a.yaml')).toEqual(Buffer.from('a: 1\n'));
    expect(files.get('releases/dev/b.yaml')).toEqual(
      Buffer.from([0, 1, 2, 255]),
    );
    expect(files.get('releases/dev/empty.yaml')).toEqual(Buffer.alloc(0));
  });

  it('marks files over maxBytes with their size instead of reading them', async () => {
    const big = 'x'.repeat(300_000);
    const head = await remote.commit({
      'big.yaml': big,
      'small.yaml': 'ok',
      'edge.yaml': '12345',
    });
    const git = open();
    await git.fetch();

    const files = await git.readFiles(
      head,
      ['big.yaml', 'small.yaml', 'edge.yaml'],
      { maxBytes: 5 },
    );
    expect(files.get('big.yaml')).toEqual({ tooLarge: 300_000 });
    expect(files.get('small.yaml')).toEqual(Buffer.from('ok'));
    expect(files.get('edge.yaml')).toEqual(Buffer.from('12345'));

    const unlimited = await git.readFiles(head, ['big.yaml']);
    expect(unlimited.get('big.yaml')).toEqual(Buffer.from(big));
  });

  it('reads thousands of paths by one tree listing, with the same answer as path by path', async () => {
    const many: Record<string, string | { symlink: string }> = {
      'apps/base/big.yaml': 'x'.repeat(100),
      'apps/base/link.yaml': { symlink: 'app-0/release.yaml' },
      'other/c.yaml': 'c: 1\n',
    };
    for (let i = 0; i < 80; i++)
      many[`apps/base/app-${i}/release.yaml`] = `i: ${i}\n`;
    const head = await remote.commit(many);
    const git = open();
    await git.fetch();
    const paths = [
      ...Array.from(
        { length: 80 },
        (_, i) => `apps/base/app-${i}/release.yaml`,
      ),
      ...Array.from(
        { length: 80 },
        (_, i) => `apps/base/app-${i}/kustomization.yaml`,
      ),
      'apps/base/app-1',
      'apps/base/big.yaml',
      'apps/base/link.yaml',
      'apps/base/link.yaml/below.yaml',
    ];
    spawn.mockClear();

    const files = await git.readFiles(head, paths, { maxBytes: 50 });

    expect(spawn).toHaveBeenCalledTimes(2);
    const oneByOne = new Map();
    for (const p of paths) {
      for (const [k, v] of await git.readFiles(head, [p], { maxBytes: 50 }))
        oneByOne.set(k, v);
    }
    expect(files).toEqual(oneByOne);
    expect(files.size).toBe(82);
    expect(files.get('apps/base/app-7/release.yaml')).toEqual(
      Buffer.from('i: 7\n'),
    );
    expect(files.get('apps/base/big.yaml')).toEqual({ tooLarge: 100 });
    // Spanning the whole repository, and under a folder that is not there.
    const spread = await git.readFiles(head, [...paths, 'other/c.yaml']);
    expect(spread.get('other/c.yaml')).toEqual(Buffer.from('c: 1\n'));
    await expect(
      git.readFiles(
        head,
        paths.map(p => `gone/${p}`),
      ),
    ).resolves.toEqual(new Map());
    await expect(git.readFiles('e'.repeat(40), paths)).rejects.toThrow(
      NotFoundError,
    );
  });

  it('refuses to read files of an unknown commit rather than reporting them all missing', async () => {
    await remote.commit({ 'a.yaml': 'a' });
    const git = open();
    await git.fetch();
    await expect(git.readFiles('e'.repeat(40), ['a.yaml'])).rejects.toThrow(
      NotFoundError,
    );
  });

  it('diffs a changed file, a deleted file, an added file and a rename', async () => {
    const before = await remote.commit({
      'releases/dev/a.yaml': 'a: 1\n',
      'releases/dev/old.yaml': 'old: true\n',
      'releases/dev/moved.yaml':
        'a long enough body to be recognised as the same file\n'.repeat(5),
    });
    const after = await remote.commit({
      'releases/dev/a.yaml': 'a: 2\n',
      'releases/dev/old.yaml': null,
      'releases/dev/moved.yaml': null,
      'releases/prod/moved.yaml':
        'a long enough body to be recognised as the same file\n'.repeat(5),
      'releases/dev/new.yaml': 'new: true\n',
    });
    const git = open();
    await git.fetch();

    const changes = await git.diff(before, after);
    expect(changes).toEqual(
      expect.arrayContaining([
        { status: 'M', path: 'releases/dev/a.yaml' },
        { status: 'D', path: 'releases/dev/old.yaml' },
        { status: 'A', path: 'releases/dev/new.yaml' },
        {
          status: 'R',
          path: 'releases/prod/moved.yaml',
          oldPath: 'releases/dev/moved.yaml',
        },
      ]),
    );
    expect(changes).toHaveLength(4);
    await expect(git.diff(after, after)).resolves.toEqual([]);
    await expect(git.diff('d'.repeat(40), after)).rejects.toThrow(
      NotFoundError,
    );

    const files = await git.readFiles(after, [
      'releases/dev/old.yaml',
      'releases/prod/moved.yaml',
    ]);
    expect([...files.keys()]).toEqual(['releases/prod/moved.yaml']);
  });

  it('detects a force-push: the old head is kept locally but is no longer an ancestor', async () => {
    const base = await remote.commit({ 'a.yaml': '1' });
    const old = await remote.commit({ 'a.yaml': '2' });
    const git = open();
    await expect(git.fetch()).resolves.toBe(old);

    const rewritten = await remote.forcePush({ 'a.yaml': '3' });
    await expect(git.fetch()).resolves.toBe(rewritten);

    await expect(git.hasCommit(old)).resolves.toBe(true);
    await expect(git.isAncestor(old, rewritten)).resolves.toBe(false);
    await expect(git.isAncestor(base, rewritten)).resolves.toBe(true);
    await expect(git.isAncestor(rewritten, rewritten)).resolves.toBe(true);
    await expect(git.isAncestor('c'.repeat(40), rewritten)).resolves.toBe(
      false,
    );
  });

  it('answers what an incremental sync asks of git in two processes: the fetch, and one diff that also describes the commit', async () => {
    const base = await remote.commit({ 'a.yaml': '1' });
    const git = open();
    await git.fetch();
    const head = await remote.commit(
      { 'a.yaml': '2', 'b.yaml': 'b' },
      'Bump a\n\nand add b',
    );
    spawn.mockClear();

    await expect(git.fetch()).resolves.toBe(head);
    await expect(git.isAncestor(base, head)).resolves.toBe(true);
    await expect(git.diff(base, head)).resolves.toEqual([
      { status: 'M', path: 'a.yaml' },
      { status: 'A', path: 'b.yaml' },
    ]);
    await expect(git.commitInfo(head)).resolves.toMatchObject({
      sha: head,
      authorName: 'Test Author',
      message: 'Bump a\n\nand add b',
    });
    const commands = spawn.mock.calls.map(call =>
      (call[1] as string[]).find(arg => !arg.startsWith('-')),
    );
    expect(commands).toEqual(['fetch', 'diff-tree']);
    // Another pair of commits is still asked of git.
    await expect(git.isAncestor(head, base)).resolves.toBe(false);
    await expect(git.commitInfo(base)).resolves.toMatchObject({ sha: base });
    expect(spawn).toHaveBeenCalledTimes(4);
  });

  it('reads the files a diff changed from their loose objects, and the others (or packed ones) through git', async () => {
    const base = await remote.commit({
      'a.yaml': 'a: 1\n',
      'big.yaml': 'x',
      'same.yaml': 's: 1\n',
    });
    const git = open();
    await git.fetch();
    const head = await remote.commit({
      'a.yaml': 'a: 2\n',
      'big.yaml': 'x'.repeat(100),
    });
    await git.fetch();
    await git.diff(base, head);
    spawn.mockClear();

    await expect(
      git.readFiles(head, ['big.yaml', 'a.yaml'], { maxBytes: 50 }),
    ).resolves.toEqual(
      new Map<string, unknown>([
        ['big.yaml', { tooLarge: 100 }],
        ['a.yaml', Buffer.from('a: 2\n')],
      ]),
    );
    expect(spawn).not.toHaveBeenCalled();
    // At the base, or a file the diff did not change: git answers.
    await expect(git.readFiles(base, ['a.yaml'])).resolves.toEqual(
      new Map([['a.yaml', Buffer.from('a: 1\n')]]),
    );
    const mixed = await git.readFiles(head, [
      'same.yaml',
      'a.yaml',
      'gone.yaml',
    ]);
    expect([...mixed]).toEqual([
      ['same.yaml', Buffer.from('s: 1\n')],
      ['a.yaml', Buffer.from('a: 2\n')],
    ]);
    expect(spawn).toHaveBeenCalledTimes(2);

    await runTestGit([
      `--git-dir=${path.join(workDir, 'config')}`,
      'repack',
      '-a',
      '-d',
      '-q',
    ]);
    spawn.mockClear();
    await expect(git.readFiles(head, ['a.yaml'])).resolves.toEqual(
      new Map([['a.yaml', Buffer.from('a: 2\n')]]),
    );
    expect(spawn).toHaveBeenCalledTimes(1);
  });

  it('proves no ancestry from a fetch that had to force', async () => {
    await remote.commit({ 'a.yaml': '1' });
    const old = await remote.commit({ 'a.yaml': '2' });
    const git = open();
    await git.fetch();
    const rewritten = await remote.forcePush({ 'a.yaml': '3' });
    spawn.mockClear();

    await expect(git.fetch()).resolves.toBe(rewritten);
    // Refused without '+', then fetched with it.
    expect(spawn.mock.calls.map(call => (call[1] as string[]).at(-1))).toEqual([
      `refs/heads/${remote.branch}:refs/remotes/origin/${remote.branch}`,
      `+refs/heads/${remote.branch}:refs/remotes/origin/${remote.branch}`,
    ]);
    await expect(git.isAncestor(old, rewritten)).resolves.toBe(false);
    await expect(git.diff(old, rewritten)).resolves.toEqual([
      { status: 'M', path: 'a.yaml' },
    ]);
  });

  it('answers hasCommit for known, unknown and not-yet-fetched commits', async () => {
    const head = await remote.commit({ 'a.yaml': 'a' });
    const git = open();
    await expect(git.hasCommit(head)).resolves.toBe(false);
    await git.fetch();
    await expect(git.hasCommit(head)).resolves.toBe(true);
    await expect(git.hasCommit('b'.repeat(40))).resolves.toBe(false);
    await expect(git.hasCommit('HEAD')).rejects.toThrow(InputError);
  });

  it('describes a commit', async () => {
    const head = await remote.commit(
      { 'a.yaml': 'a' },
      'Bump podinfo to 6.5.0\n\nRequested by someone.',
    );
    const git = open();
    await git.fetch();

    const info = await git.commitInfo(head);
    expect(info).toEqual({
      sha: head,
      authorName: 'Test Author',
      authorEmail: 'author@example.com',
      message: 'Bump podinfo to 6.5.0\n\nRequested by someone.',
      committedAt: expect.stringMatching(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/,
      ),
    });
    expect(new Date(info.committedAt).getUTCFullYear()).toBe(2024);
    await expect(git.commitInfo('a'.repeat(40))).rejects.toThrow(NotFoundError);
  });

  it('keeps the mirror intact when fetches of one repository run at once', async () => {
    await remote.commit({ 'a.yaml': 'a' });
    const head = await remote.commit({ 'b.yaml': 'b' });
    // Two instances for the same directory, as two callers would create.
    const a = open();
    const b = open();

    const heads = await Promise.all([
      a.fetch(),
      b.fetch(),
      a.fetch(),
      b.fetch(),
      a.fetch(),
    ]);
    expect(heads).toEqual(Array(5).fill(head));

    // Reads of fetched commits run while further fetches are under way.
    const next = await remote.commit({ 'c.yaml': 'c' });
    await a.fetch();
    await remote.commit({ 'd.yaml': 'd' });
    const results = await Promise.all([
      a.fetch(),
      b.readFiles(next, ['c.yaml']),
      b.fetch(),
      a.listTree(next),
    ]);
    const latest = await remote.head();
    expect(results[0]).toBe(latest);
    expect(results[2]).toBe(latest);
    expect((results[1] as Map<string, Buffer>).get('c.yaml')?.toString()).toBe(
      'c',
    );
    const mirror = path.join(workDir, 'config');
    await expect(
      runTestGit([`--git-dir=${mirror}`, 'fsck', '--strict']),
    ).resolves.toBeDefined();
    await expect(fs.readdir(workDir)).resolves.toEqual(['config']);
  });

  it('replaces a half-made mirror and leftovers of an interrupted first clone', async () => {
    const head = await remote.commit({ 'a.yaml': 'a' });
    // A crash after creating the directory but before git finished.
    await fs.mkdir(path.join(workDir, 'config', 'objects'), {
      recursive: true,
    });
    await fs.mkdir(path.join(workDir, '.partial', 'config', 'init-abc'), {
      recursive: true,
    });

    const git = open();
    await expect(git.fetch()).resolves.toBe(head);
    await expect(git.readFiles(head, ['a.yaml'])).resolves.toEqual(
      new Map([['a.yaml', Buffer.from('a')]]),
    );
    await expect(fs.readdir(workDir)).resolves.toEqual(['config']);
    expect(logger.warn).toHaveBeenCalledWith(
      'Replacing incomplete git mirror',
      expect.anything(),
    );
  });

  it('refuses a mirror others may write to, before git runs its hooks', async () => {
    await remote.commit({ 'a.yaml': 'a' });
    // Planted by another user of a shared folder: a complete bare mirror
    // whose hook would run as the backend on the next fetch.
    const mirror = path.join(workDir, 'config');
    await runTestGit(['init', '--bare', '--quiet', mirror]);
    const marker = path.join(workDir, 'hook-ran');
    const hook = path.join(mirror, 'hooks', 'reference-transaction');
    await fs.writeFile(hook, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    await fs.chmod(mirror, 0o777);

    await expect(open().fetch()).rejects.toThrow(
      new RegExp(
        `Refusing to use ${mirror} for git mirrors: others may write to it \\(mode 0777\\)`,
      ),
    );
    await expect(fs.access(marker)).rejects.toThrow();
    expect(spawn).not.toHaveBeenCalled();

    // The same mirror once it is private again is used, hook and all: the check is what stopped it.
    await fs.chmod(mirror, 0o755);
    await open().fetch();
    await expect(fs.access(marker)).resolves.toBeUndefined();
  });

  it('refuses a folder of mirrors others may write to', async () => {
    await remote.commit({ 'a.yaml': 'a' });
    await fs.chmod(workDir, 0o770);
    await expect(open().fetch()).rejects.toThrow(
      /others may write to it \(mode 0770\)/,
    );
    expect(spawn).not.toHaveBeenCalled();
  });

  it("ignores the machine's git configuration, credential helpers and agents", async () => {
    const head = await remote.commit({ 'a.yaml': 'a' });
    // A global config that would send every file:// fetch to nowhere.
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-test-home-'));
    const globalConfig = path.join(home, '.gitconfig');
    await fs.writeFile(
      globalConfig,
      '[url "file:///nonexistent/"]\n\tinsteadOf = file://\n',
    );
    const saved = { ...process.env };
    Object.assign(process.env, {
      HOME: home,
      GIT_CONFIG_GLOBAL: globalConfig,
      SSH_AUTH_SOCK: '/tmp/agent.sock',
      GIT_ASKPASS: '/bin/echo',
    });
    try {
      spawn.mockClear();
      await expect(open().fetch()).resolves.toBe(head);
      const env = spawn.mock.calls.at(-1)![2].env;
      expect(env).toMatchObject({
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
        LC_ALL: 'C',
      });
      expect(env.SSH_AUTH_SOCK).toBeUndefined();
      expect(env.GIT_ASKPASS).toBeUndefined();
    } finally {
      process.env = saved;
      await fs.rm(home, { recursive: true, force: true });
    }
  });

  it('fails with a not-found error for a branch the remote does not have', async () => {
    await remote.commit({ 'a.yaml': 'a' });
    const git = open({ remote: { branch: 'nope' } });
    const error = await git.fetch().catch(e => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.kind).toBe('not-found');
    expect(error.command).toBe('fetch');
    expect(error.message).toMatch(
      /git fetch of nope from .* failed: the repository or branch was not found/,
    );
  });

  it('fails with a not-found error for a repository that does not exist', async () => {
    const git = open({ remote: { url: `file://${remote.root}/missing.git` } });
    await expect(git.fetch()).rejects.toMatchObject({
      name: 'GitCommandError',
      kind: 'not-found',
    });
  });

  it('kills a git process that runs past the timeout', async () => {
    // Accepts connections and never answers, like a remote that hangs.
    const sockets: net.Socket[] = [];
    const server = net.createServer(socket => sockets.push(socket));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const git = open({
        remote: { url: `http://127.0.0.1:${port}/repo.git` },
        timeoutMs: 1000,
      });
      const started = Date.now();
      const error = await git.fetch().catch(e => e);
      expect(error).toBeInstanceOf(GitCommandError);
      expect(error.kind).toBe('timeout');
      expect(error.message).toContain('timed out after 1000 ms');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      sockets.forEach(socket => socket.destroy());
      server.close();
    }
  });

  it('rejects unsafe ids, branches, URLs and shas before running git', async () => {
    expect(() => open({ id: '../escape' })).toThrow(InputError);
    expect(() => open({ id: '.partial' })).toThrow(InputError);
    expect(() =>
      open({ remote: { branch: '--upload-pack=touch /tmp/x' } }),
    ).toThrow(InputError);
    expect(() => open({ remote: { branch: 'a..b' } })).toThrow(InputError);
    expect(() => open({ remote: { url: '--upload-pack=evil' } })).toThrow(
      InputError,
    );
    expect(() =>
      open({ remote: { url: 'ext::sh -c touch% /tmp/pwned' } }),
    ).toThrow(InputError);
    expect(() =>
      open({ remote: { url: 'https://user:secret@example.com/repo.git' } }),
    ).toThrow(/must not contain a password/);
    expect(() =>
      open({
        remote: {
          url: 'file:///srv/repo.git',
          auth: { type: 'token', token: 't' },
        },
      }),
    ).toThrow(InputError);
    expect(() => open({ remote: { branch: 'release/v1.2' } })).not.toThrow();
    return expect(open().listTree('--output=/tmp/x')).rejects.toThrow(
      InputError,
    );
  });
});

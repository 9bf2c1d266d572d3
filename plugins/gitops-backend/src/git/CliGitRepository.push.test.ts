import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { CliGitRepository } from './CliGitRepository';
import { EmptyCommitError } from './GitCommandError';
import {
  createTestRemote,
  runTestGit,
  startHttpGitServer,
  TestRemote,
} from './__testUtils__';

jest.setTimeout(60_000);

const author = { name: 'Image Bot', email: 'bot@example.com' };

describe('CliGitRepository commits and pushes', () => {
  let remote: TestRemote;
  let workDir: string;

  const open = (url = remote.url, auth: any = { type: 'none' }) =>
    CliGitRepository.create({
      id: 'config',
      remote: { url, branch: 'main', auth },
      workDir,
      logger: mockServices.logger.mock(),
    });

  const show = async (rev: string) =>
    await runTestGit([
      `--git-dir=${remote.path}`,
      'show',
      '-s',
      '--format=%an <%ae>%n%s%n%P',
      rev,
    ]);
  const cat = async (rev: string, file: string) =>
    await runTestGit([`--git-dir=${remote.path}`, 'show', `${rev}:${file}`]);

  beforeEach(async () => {
    remote = await createTestRemote();
    await remote.commit({
      'releases/dev/a.yaml': 'tag: one\n',
      'hack/run.sh': '#!/bin/sh\n',
    });
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-push-test-'));
  });

  afterEach(async () => {
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('pushes to another branch when asked, without force and leaving the followed branch alone', async () => {
    const git = open();
    const head = await git.fetch();
    const commit = await git.createCommit({
      parent: head,
      files: new Map([['releases/dev/a.yaml', Buffer.from('tag: two\n')]]),
      message: 'Update images',
      author,
    });
    expect(await git.push(commit, 'image-updates')).toBe('pushed');
    expect(await remote.head()).toBe(head);
    expect(await cat('image-updates', 'releases/dev/a.yaml')).toBe('tag: two');
    // A second commit that does not descend from that branch's head is rejected, not forced.
    const other = await git.createCommit({
      parent: head,
      files: new Map([['releases/dev/a.yaml', Buffer.from('tag: three\n')]]),
      message: 'Update images again',
      author,
    });
    expect(await git.push(other, 'image-updates')).toBe('rejected');
    expect(await cat('image-updates', 'releases/dev/a.yaml')).toBe('tag: two');
    await expect(git.push(other, '--force')).rejects.toThrow(
      /not a branch name/,
    );
  });

  it('commits changed files on top of the head and pushes them', async () => {
    const git = open();
    const head = await git.fetch();
    const commit = await git.createCommit({
      parent: head,
      files: new Map([['releases/dev/a.yaml', Buffer.from('tag: two\n')]]),
      message: 'Auto-release example/app:two',
      author,
    });
    expect(await git.push(commit)).toBe('pushed');
    expect(await remote.head()).toBe(commit);
    expect((await show(commit)).trim()).toBe(
      `Image Bot <bot@example.com>\nAuto-release example/app:two\n${head}`,
    );
    expect(await cat(commit, 'releases/dev/a.yaml')).toBe('tag: two'); // runTestGit trims
    // Other files are untouched.
    expect(await cat(commit, 'hack/run.sh')).toBe('#!/bin/sh');
    expect(await git.fetch()).toBe(commit);
  });

  it('never makes an empty commit', async () => {
    const git = open();
    const head = await git.fetch();
    await expect(
      git.createCommit({
        parent: head,
        files: new Map([['releases/dev/a.yaml', Buffer.from('tag: one\n')]]),
        message: 'nothing',
        author,
      }),
    ).rejects.toThrow(EmptyCommitError);
    expect(await remote.head()).toBe(head);
  });

  it('reports a rejected push when someone pushed first, and never forces', async () => {
    const git = open();
    const head = await git.fetch();
    const ours = await git.createCommit({
      parent: head,
      files: new Map([['releases/dev/a.yaml', Buffer.from('tag: ours\n')]]),
      message: 'ours',
      author,
    });
    const theirs = await remote.commit(
      { 'releases/stg/b.yaml': 'theirs\n' },
      'theirs',
    );
    expect(await git.push(ours)).toBe('rejected');
    expect(await remote.head()).toBe(theirs);
  });

  it('pushes over smart HTTP with a token', async () => {
    const server = await startHttpGitServer({
      root: remote.root,
      token: 's3cret',
    });
    try {
      const git = open(server.url, { type: 'token', token: 's3cret' });
      const head = await git.fetch();
      const commit = await git.createCommit({
        parent: head,
        files: new Map([['releases/dev/a.yaml', Buffer.from('tag: http\n')]]),
        message: 'over http',
        author,
      });
      expect(await git.push(commit)).toBe('pushed');
      expect(await remote.head()).toBe(commit);
    } finally {
      await server.stop();
    }
  });
});

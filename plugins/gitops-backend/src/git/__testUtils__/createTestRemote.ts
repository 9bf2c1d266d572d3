import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runTestGit } from './runTestGit';

/**
 * Files to change in a commit: text or bytes to write, `{ symlink }` for a
 * symbolic link, `null` to delete.
 */
export type TestFiles = Record<
  string,
  string | Buffer | { symlink: string } | null
>;

export type TestRemote = {
  /** Temp folder holding `repo.git`; what the HTTP and SSH test servers serve. */
  root: string;
  /** The bare repository, `<root>/repo.git`. */
  path: string;
  /** `file://` URL of the bare repository. */
  url: string;
  branch: string;
  /** Commits `files` on top of the branch head and moves the branch; returns the new sha. */
  commit(files: TestFiles, message?: string): Promise<string>;
  /**
   * Rewrites history like a force-push: commits `files` on top of `onto`
   * (default: the parent of the current head, i.e. replaces the last commit;
   * `null`: a new root commit) and moves the branch there.
   */
  forcePush(
    files: TestFiles,
    message?: string,
    options?: { onto?: string | null },
  ): Promise<string>;
  /** The branch head, or undefined before the first commit. */
  head(): Promise<string | undefined>;
  remove(): Promise<void>;
};

const ZERO_SHA = '0000000000000000000000000000000000000000';

// Every fixture commit gets a later timestamp, so two commits with the same
// tree, parent and message still get different shas.
let clock = Date.UTC(2024, 0, 1) / 1000;

/**
 * A bare git repository in a temp folder with helpers that write commits
 * straight into it (plumbing, no working tree), standing in for a hosted
 * config repository.
 */
export async function createTestRemote(
  options: { branch?: string } = {},
): Promise<TestRemote> {
  const branch = options.branch ?? 'main';
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-test-remote-'));
  const repo = path.join(root, 'repo.git');
  await runTestGit([
    'init',
    '--bare',
    '--quiet',
    `--initial-branch=${branch}`,
    repo,
  ]);
  const git = (
    args: string[],
    extra: { env?: NodeJS.ProcessEnv; input?: string | Buffer } = {},
  ) => runTestGit([`--git-dir=${repo}`, ...args], extra);

  const head = async () => {
    const sha = await git([
      'rev-parse',
      '--verify',
      '--quiet',
      `refs/heads/${branch}`,
    ]).catch(() => '');
    return sha || undefined;
  };

  const writeCommit = async (
    files: TestFiles,
    message: string,
    parent: string | undefined,
  ) => {
    clock += 60;
    const date = `${clock} +0000`;
    const env = {
      GIT_INDEX_FILE: path.join(root, `index-${clock}`),
      GIT_AUTHOR_NAME: 'Test Author',
      GIT_AUTHOR_EMAIL: 'author@example.com',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: 'Test Committer',
      GIT_COMMITTER_EMAIL: 'committer@example.com',
      GIT_COMMITTER_DATE: date,
    };
    try {
      await git(parent ? ['read-tree', parent] : ['read-tree', '--empty'], {
        env,
      });
      const lines: string[] = [];
      for (const [file, value] of Object.entries(files)) {
        if (value === null) {
          lines.push(`0 ${ZERO_SHA}\t${file}`);
          continue;
        }
        const isLink = typeof value === 'object' && !Buffer.isBuffer(value);
        const content = isLink ? value.symlink : value;
        const sha = await git(['hash-object', '-w', '--stdin'], {
          input: content,
        });
        lines.push(`${isLink ? '120000' : '100644'} ${sha}\t${file}`);
      }
      await git(['update-index', '--index-info'], {
        env,
        input: `${lines.join('\n')}\n`,
      });
      const tree = await git(['write-tree'], { env });
      return await git(
        ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message],
        { env },
      );
    } finally {
      await fs.rm(env.GIT_INDEX_FILE, { force: true });
    }
  };

  return {
    root,
    path: repo,
    url: `file://${repo}`,
    branch,
    head,
    async commit(files, message = 'Update files') {
      const parent = await head();
      const sha = await writeCommit(files, message, parent);
      await git([
        'update-ref',
        `refs/heads/${branch}`,
        sha,
        parent ?? ZERO_SHA,
      ]);
      return sha;
    },
    async forcePush(files, message = 'Rewrite history', forceOptions = {}) {
      let onto = forceOptions.onto;
      if (onto === undefined) {
        const current = await head();
        onto = current
          ? (await git([
              'rev-parse',
              '--verify',
              '--quiet',
              `${current}^`,
            ]).catch(() => '')) || null
          : null;
      }
      const sha = await writeCommit(files, message, onto ?? undefined);
      await git(['update-ref', `refs/heads/${branch}`, sha]);
      return sha;
    },
    remove: () => fs.rm(root, { recursive: true, force: true }),
  };
}

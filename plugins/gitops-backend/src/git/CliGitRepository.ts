import fs from 'node:fs/promises';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatFileBatchParser } from './CatFileBatchParser';
import { EmptyCommitError, GitCommandError } from './GitCommandError';
import { KeyedMutex } from './KeyedMutex';
import {
  authSecrets,
  baseGitEnvironment,
  prepareAuthEnvironment,
} from './gitEnvironment';
import {
  assertCommitSha,
  assertRemote,
  assertRepositoryId,
  normaliseRepositoryPath,
} from './gitInputs';
import { parseNameStatus } from './parseNameStatus';
import { assertOwnDirectory, ensurePrivateDirectory } from './privateDirectory';
import { parseTreeListing } from './parseTreeListing';
import { runGit } from './runGit';
import { scrubCredentials } from './scrubCredentials';
import {
  GitChange,
  GitCommitInfo,
  GitFileTooLarge,
  GitRemote,
  GitRepository,
  GitTreeEntry,
} from './types';

const DEFAULT_TIMEOUT_MS = 120_000;

// One queue per repository directory for the whole process, so two instances
// created for the same id still take turns.
const repositoryLocks = new KeyedMutex();

/**
 * A {@link GitRepository} backed by the git CLI and a bare mirror at
 * `workDir/<id>`. The remote branch is kept at `refs/remotes/origin/<branch>`;
 * the remote URL is passed on each fetch and never stored.
 */
export class CliGitRepository implements GitRepository {
  static create(options: {
    id: string;
    remote: GitRemote;
    /** Parent folder for working copies. */
    workDir: string;
    logger: LoggerService;
    /** Limit for each git process; it is killed when exceeded. */
    timeoutMs?: number;
  }): CliGitRepository {
    assertRepositoryId(options.id);
    assertRemote(options.remote);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs > 0)) {
      throw new InputError(
        'The git timeout must be a positive number of milliseconds',
      );
    }
    return new CliGitRepository(
      options.id,
      options.remote,
      path.resolve(options.workDir),
      options.logger,
      timeoutMs,
    );
  }

  private readonly directory: string;
  private readonly secrets: string[];
  private readonly environment: NodeJS.ProcessEnv;
  private directoriesChecked?: Promise<void>;

  private constructor(
    private readonly id: string,
    private readonly remote: GitRemote,
    private readonly workDir: string,
    private readonly logger: LoggerService,
    private readonly timeoutMs: number,
  ) {
    this.directory = path.join(workDir, id);
    this.secrets = authSecrets(remote.auth);
    this.environment = baseGitEnvironment(workDir);
  }

  async fetch(): Promise<string> {
    return this.exclusive(async () => {
      await this.ensureMirror();
      const started = Date.now();
      const { branch } = this.remote;
      const auth = await prepareAuthEnvironment(this.remote.auth, {
        connectTimeoutSeconds: Math.max(
          1,
          Math.min(30, Math.ceil(this.timeoutMs / 1000)),
        ),
      });
      try {
        await this.git(
          'fetch',
          [
            '--no-tags',
            '--no-write-fetch-head',
            this.remote.url,
            // '+' so a force-pushed branch replaces ours instead of failing.
            `+refs/heads/${branch}:${this.trackingRef()}`,
          ],
          {
            env: auth.env,
            context: `of ${branch} from ${this.describeRemote()}`,
          },
        );
      } finally {
        await auth.dispose();
      }
      const head = await this.trackedHead();
      this.logger.debug('Fetched', {
        repository: this.id,
        branch,
        head,
        durationMs: Date.now() - started,
      });
      return head;
    });
  }

  /**
   * The fetched branch head. fetch writes the ref as a loose file, so it is
   * read from disk, saving a process on every sync; rev-parse answers when
   * the ref was packed.
   */
  private async trackedHead(): Promise<string> {
    const loose = await fs
      .readFile(path.join(this.directory, this.trackingRef()), 'utf8')
      .then(text => text.trim(), () => '');
    if (/^[0-9a-f]{40}$/.test(loose)) return loose;
    return (
      await this.git('rev-parse', ['--verify', `${this.trackingRef()}^{commit}`])
    ).stdout
      .toString('utf8')
      .trim();
  }

  async listTree(commit: string, prefix?: string): Promise<GitTreeEntry[]> {
    assertCommitSha(commit);
    const directory = normaliseRepositoryPath(prefix ?? '');
    return this.reading(async () => {
      await this.requireMirror();
      const treeish = directory ? `${commit}:${directory}` : commit;
      try {
        const { stdout } = await this.git('ls-tree', [
          '-r',
          '-t',
          '-z',
          '--long',
          treeish,
        ]);
        return parseTreeListing(stdout, directory);
      } catch (error) {
        if (
          error instanceof GitCommandError &&
          /Not a valid object name|not a tree object/.test(error.stderr)
        ) {
          // The commit is missing (an error) or the prefix is (nothing under it).
          await this.requireCommits([commit]);
          return [];
        }
        throw error;
      }
    });
  }

  async readFiles(
    commit: string,
    paths: string[],
    options?: { maxBytes?: number },
  ): Promise<Map<string, Buffer | GitFileTooLarge>> {
    assertCommitSha(commit);
    const maxBytes = options?.maxBytes ?? Infinity;
    if (!(maxBytes >= 0)) {
      throw new InputError('maxBytes must be zero or more');
    }
    // Keyed by the caller's spelling; asked for by the normalised path.
    const wanted = new Map<string, string>();
    for (const requested of paths) {
      const normalised = normaliseRepositoryPath(requested);
      if (normalised) wanted.set(requested, normalised);
    }
    const requestedPaths = [...wanted.keys()];

    return this.reading(async () => {
      await this.requireMirror();
      // The commit itself goes first, so a missing commit is told apart from
      // missing files within the same single process.
      const objectNames = [
        commit,
        ...requestedPaths.map(
          requested => `${commit}:${wanted.get(requested)}`,
        ),
      ];
      const parser = new CatFileBatchParser(
        ({ index, type, size }) =>
          index > 0 && type === 'blob' && size <= maxBytes,
      );
      await this.git('cat-file', ['--batch'], {
        input: `${objectNames.join('\n')}\n`,
        onStdout: chunk => parser.push(chunk),
      });
      const [commitObject, ...answers] = parser.finish(objectNames.length);
      if (!commitObject.found || commitObject.type !== 'commit') {
        throw this.unknownCommit(commit);
      }

      const files = new Map<string, Buffer | GitFileTooLarge>();
      answers.forEach((answer, index) => {
        // Directories and submodules are not files.
        if (!answer.found || answer.type !== 'blob') return;
        files.set(
          requestedPaths[index],
          answer.content ?? { tooLarge: answer.size },
        );
      });
      return files;
    });
  }

  async diff(from: string, to: string): Promise<GitChange[]> {
    assertCommitSha(from);
    assertCommitSha(to);
    return this.reading(async () => {
      await this.requireMirror();
      try {
        // diff-tree is the plumbing behind `git diff --name-status` for two
        // commits: same output, no porcelain configuration in play.
        const { stdout } = await this.git('diff-tree', [
          '-r',
          '-z',
          '--name-status',
          '-M',
          from,
          to,
        ]);
        return parseNameStatus(stdout);
      } catch (error) {
        if (error instanceof GitCommandError)
          await this.requireCommits([from, to]);
        throw error;
      }
    });
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    assertCommitSha(ancestor);
    assertCommitSha(descendant);
    return this.reading(async () => {
      if (!(await this.mirrorExists())) return false;
      try {
        const { exitCode } = await this.git(
          'merge-base',
          ['--is-ancestor', ancestor, descendant],
          { okExitCodes: [1] },
        );
        return exitCode === 0;
      } catch (error) {
        // Existence is checked only on failure, keeping a sync's common
        // path to one process.
        if (!(error instanceof GitCommandError)) throw error;
        if (!(await this.commitExists(ancestor))) return false;
        await this.requireCommits([descendant]);
        throw error;
      }
    });
  }

  async hasCommit(sha: string): Promise<boolean> {
    assertCommitSha(sha);
    return this.reading(async () =>
      (await this.mirrorExists()) ? this.commitExists(sha) : false,
    );
  }

  async commitInfo(sha: string): Promise<GitCommitInfo> {
    assertCommitSha(sha);
    return this.reading(async () => {
      await this.requireMirror();
      let stdout: Buffer;
      try {
        ({ stdout } = await this.git('log', [
          '-1',
          '--format=%H%x00%an%x00%ae%x00%ct%x00%B',
          `${sha}^{commit}`,
          '--',
        ]));
      } catch (error) {
        if (error instanceof GitCommandError) await this.requireCommits([sha]);
        throw error;
      }
      const [commitSha, authorName, authorEmail, committedAt, ...message] =
        stdout.toString('utf8').split('\0');
      return {
        sha: commitSha,
        authorName,
        authorEmail,
        message: message.join('\0').replace(/\n+$/, ''),
        committedAt: new Date(Number(committedAt) * 1000).toISOString(),
      };
    });
  }

  async lastChange(
    from: string,
    to: string,
    path: string,
  ): Promise<GitCommitInfo | undefined> {
    assertCommitSha(from);
    assertCommitSha(to);
    return this.reading(async () => {
      await this.requireMirror();
      let stdout: Buffer;
      try {
        // `--` ends the revisions: the path is never read as an option.
        ({ stdout } = await this.git('log', [
          '-1',
          '--format=%H',
          `${from}..${to}`,
          '--',
          path,
        ]));
      } catch (error) {
        if (error instanceof GitCommandError) await this.requireCommits([from, to]);
        throw error;
      }
      const sha = stdout.toString('utf8').trim();
      return sha ? this.commitInfo(sha) : undefined;
    });
  }

  /**
   * Reads address objects by sha, which git serves safely while a fetch
   * updates refs, so they run side by side; they only wait for a mirror
   * that is being created.
   */
  private async reading<T>(task: () => Promise<T>): Promise<T> {
    if (!(await this.mirrorExists())) {
      return this.exclusive(task);
    }
    return task();
  }

  async createCommit(options: {
    parent: string;
    files: Map<string, Buffer>;
    message: string;
    author: { name: string; email: string };
  }): Promise<string> {
    assertCommitSha(options.parent);
    const files = [...options.files].map(([requested, content]) => {
      const normalised = normaliseRepositoryPath(requested);
      if (!normalised) {
        throw new InputError(`Cannot commit the path "${requested}"`);
      }
      return { path: normalised, content };
    });
    const paths = files.map(f => f.path);
    return this.exclusive(async () => {
      await this.requireMirror();
      // A private index and blob files: the mirror has no working tree and
      // parallel commits must not share an index.
      const scratch = await fs.mkdtemp(path.join(this.workDir, '.commit-'));
      try {
        const env = { GIT_INDEX_FILE: path.join(scratch, 'index') };
        await this.git('read-tree', [options.parent], { env });
        const modes = new Map<string, string>();
        for (const entry of parseTreeListing(
          (await this.git('ls-tree', ['-z', '-r', '--long', options.parent, '--', ...paths])).stdout,
          '',
        )) {
          modes.set(entry.path, entry.mode);
        }
        const blobFiles = await Promise.all(
          files.map(async (f, i) => {
            const file = path.join(scratch, `blob-${i}`);
            await fs.writeFile(file, f.content);
            return file;
          }),
        );
        const blobs = (
          await this.git('hash-object', ['-w', '--stdin-paths', '--no-filters'], {
            input: `${blobFiles.join('\n')}\n`,
          })
        ).stdout
          .toString('utf8')
          .trim()
          .split('\n');
        const indexInfo = paths
          .map((p, i) => `${modes.get(p) ?? '100644'} ${blobs[i]}\t${p}`)
          .join('\n');
        await this.git('update-index', ['--add', '--index-info'], {
          env,
          input: `${indexInfo}\n`,
        });
        const tree = (await this.git('write-tree', [], { env })).stdout
          .toString('utf8')
          .trim();
        const parentTree = (
          await this.git('rev-parse', [`${options.parent}^{tree}`])
        ).stdout
          .toString('utf8')
          .trim();
        if (tree === parentTree) {
          throw new EmptyCommitError(
            `Nothing to commit in ${this.id}: the files already hold these contents`,
          );
        }
        const identity = {
          GIT_AUTHOR_NAME: options.author.name,
          GIT_AUTHOR_EMAIL: options.author.email,
          GIT_COMMITTER_NAME: options.author.name,
          GIT_COMMITTER_EMAIL: options.author.email,
        };
        return (
          await this.git('commit-tree', [tree, '-p', options.parent, '-F', '-'], {
            env: identity,
            input: options.message.endsWith('\n')
              ? options.message
              : `${options.message}\n`,
          })
        ).stdout
          .toString('utf8')
          .trim();
      } finally {
        await fs.rm(scratch, { recursive: true, force: true });
      }
    });
  }

  async push(commit: string): Promise<'pushed' | 'rejected'> {
    assertCommitSha(commit);
    return this.exclusive(async () => {
      await this.requireMirror();
      const { branch } = this.remote;
      const auth = await prepareAuthEnvironment(this.remote.auth, {
        connectTimeoutSeconds: Math.max(
          1,
          Math.min(30, Math.ceil(this.timeoutMs / 1000)),
        ),
      });
      try {
        const { exitCode, stdout, stderr } = await this.git(
          'push',
          ['--porcelain', this.remote.url, `${commit}:refs/heads/${branch}`],
          {
            env: auth.env,
            okExitCodes: [1],
            context: `of ${branch} to ${this.describeRemote()}`,
          },
        );
        const report = `${stdout.toString('utf8')}\n${stderr}`;
        if (exitCode === 1) {
          // --porcelain marks a refused ref with '!'; anything else is a fault.
          if (/^!\s/m.test(report) && /rejected|non-fast-forward|fetch first/.test(report)) {
            return 'rejected';
          }
          const scrubbed = scrubCredentials(report, this.secrets).trim();
          throw new GitCommandError({
            command: 'push',
            kind: 'failed',
            message: `git push of ${branch} to ${this.describeRemote()} failed: ${scrubbed}`,
            exitCode,
            stderr: scrubbed,
          });
        }
        await this.git('update-ref', [this.trackingRef(), commit]);
        this.logger.info('Pushed', { repository: this.id, branch, sha: commit });
        return 'pushed';
      } finally {
        await auth.dispose();
      }
    });
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    return repositoryLocks.run(this.directory, task);
  }

  private trackingRef(): string {
    return `refs/remotes/origin/${this.remote.branch}`;
  }

  private describeRemote(): string {
    return scrubCredentials(this.remote.url, this.secrets);
  }

  private git(
    command: string,
    args: string[],
    options: {
      env?: NodeJS.ProcessEnv;
      input?: string;
      onStdout?: (chunk: Buffer) => void;
      okExitCodes?: number[];
      context?: string;
    } = {},
  ) {
    return runGit({
      globalArgs: [`--git-dir=${this.directory}`],
      command,
      args,
      cwd: this.directory,
      env: { ...this.environment, ...options.env },
      timeoutMs: this.timeoutMs,
      input: options.input,
      onStdout: options.onStdout,
      okExitCodes: options.okExitCodes,
      secrets: this.secrets,
      context: options.context ?? `in ${this.id}`,
    });
  }

  private async commitExists(sha: string): Promise<boolean> {
    const { exitCode } = await this.git(
      'rev-parse',
      ['--verify', '--quiet', `${sha}^{commit}`],
      { okExitCodes: [1] },
    );
    return exitCode === 0;
  }

  /** Throws NotFoundError for the first of `shas` that is not a local commit. */
  private async requireCommits(shas: string[]): Promise<void> {
    for (const sha of shas) {
      if (!(await this.commitExists(sha))) throw this.unknownCommit(sha);
    }
  }

  private unknownCommit(sha: string): NotFoundError {
    return new NotFoundError(
      `Commit ${sha} is not in git repository ${this.id}`,
    );
  }

  private async mirrorExists(): Promise<boolean> {
    const kinds = await Promise.all(
      ['HEAD', 'config', 'objects', 'refs'].map(entry =>
        fs.stat(path.join(this.directory, entry)).then(
          stat => (stat.isDirectory() ? 'directory' : 'file'),
          () => 'missing',
        ),
      ),
    );
    return kinds.join() === 'file,file,directory,directory';
  }

  /**
   * Once per instance: the folder of mirrors is private to this process and
   * an existing mirror is its own, before git runs the config and hooks
   * found there. Checked again after a failure, so a fixed folder is used.
   */
  private ownDirectories(): Promise<void> {
    this.directoriesChecked ??= (async () => {
      await ensurePrivateDirectory(this.workDir);
      if (await pathExists(this.directory)) {
        await assertOwnDirectory(this.directory);
      }
    })().catch(error => {
      this.directoriesChecked = undefined;
      throw error;
    });
    return this.directoriesChecked;
  }

  private async requireMirror(): Promise<void> {
    await this.ownDirectories();
    if (!(await this.mirrorExists())) {
      throw new NotFoundError(
        `Git repository ${this.id} has not been fetched yet`,
      );
    }
  }

  /**
   * Creates the bare mirror on first use. It is initialised in a staging
   * directory and renamed into place, so a crash never leaves a half-made
   * mirror at the final path; stale staging directories are removed here.
   */
  private async ensureMirror(): Promise<void> {
    await this.ownDirectories();
    if (await this.mirrorExists()) return;

    const stagingRoot = path.join(this.workDir, '.partial', this.id);
    await fs.rm(stagingRoot, { recursive: true, force: true });
    if (await pathExists(this.directory)) {
      this.logger.warn('Replacing incomplete git mirror', {
        repository: this.id,
        directory: this.directory,
      });
      await fs.rm(this.directory, { recursive: true, force: true });
    }

    await fs.mkdir(stagingRoot, { recursive: true });
    const staging = await fs.mkdtemp(path.join(stagingRoot, 'init-'));
    const local = {
      env: this.environment,
      timeoutMs: this.timeoutMs,
      secrets: [],
    };
    await runGit({
      ...local,
      command: 'init',
      args: ['--bare', '--quiet', staging],
      cwd: stagingRoot,
    });
    await runGit({
      ...local,
      globalArgs: [`--git-dir=${staging}`],
      command: 'config',
      // Automatic gc runs inside the fetch that triggers it instead of in a
      // detached process that would outlive the repository lock.
      args: ['gc.autoDetach', 'false'],
      cwd: staging,
    });
    await fs.rename(staging, this.directory);
    await fs.rm(stagingRoot, { recursive: true, force: true });
    // Only succeeds when no other repository is being created right now.
    await fs.rmdir(path.dirname(stagingRoot)).catch(() => {});
    this.logger.info('Created git mirror', {
      repository: this.id,
      directory: this.directory,
    });
  }
}

async function pathExists(target: string): Promise<boolean> {
  return fs.lstat(target).then(
    () => true,
    () => false,
  );
}

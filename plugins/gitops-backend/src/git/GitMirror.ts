import fs from 'node:fs/promises';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { GitCommandError } from './GitCommandError';
import { KeyedMutex } from './KeyedMutex';
import { baseGitEnvironment } from './gitEnvironment';
import { assertOwnDirectory, ensurePrivateDirectory } from './privateDirectory';
import { runGit, RunGitResult } from './runGit';

// One queue per repository directory for the whole process, so two instances
// created for the same id still take turns.
const repositoryLocks = new KeyedMutex();

export type GitRunOptions = {
  env?: NodeJS.ProcessEnv;
  input?: string;
  onStdout?: (chunk: Buffer) => void;
  okExitCodes?: number[];
  context?: string;
};

/**
 * The bare mirror of one repository at `workDir/<id>`: where it lives, who
 * may use it, the lock its writers take turns on, and how git runs inside
 * it. What is read from or written to it lives beside it.
 */
export class GitMirror {
  readonly directory: string;
  private readonly environment: NodeJS.ProcessEnv;
  private directoriesChecked?: Promise<void>;

  constructor(
    readonly id: string,
    readonly workDir: string,
    readonly logger: LoggerService,
    private readonly timeoutMs: number,
    /** Removed from every error git reports. */
    private readonly secrets: string[],
  ) {
    this.directory = path.join(workDir, id);
    this.environment = baseGitEnvironment(workDir);
  }

  /** One git process in the mirror, killed after the timeout. */
  git(
    command: string,
    args: string[],
    options: GitRunOptions = {},
  ): Promise<RunGitResult> {
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

  /**
   * Like {@link git} for a command about `commits`: when git fails, a
   * commit this mirror does not have is reported as such (NotFoundError)
   * instead of git's own words.
   */
  async gitAbout(
    commits: string[],
    command: string,
    args: string[],
    options: GitRunOptions = {},
  ): Promise<RunGitResult> {
    try {
      return await this.git(command, args, options);
    } catch (error) {
      if (error instanceof GitCommandError) await this.requireCommits(commits);
      throw error;
    }
  }

  /** Runs `task` alone among this repository's tasks in this process. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return repositoryLocks.run(this.directory, task);
  }

  /**
   * Reads address objects by sha, which git serves safely while a fetch
   * updates refs, so they run side by side; they only wait for a mirror
   * that is being created.
   */
  async reading<T>(task: () => Promise<T>): Promise<T> {
    if (!(await this.exists())) {
      return this.exclusive(task);
    }
    return task();
  }

  async exists(): Promise<boolean> {
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

  async commitExists(sha: string): Promise<boolean> {
    const { exitCode } = await this.git(
      'rev-parse',
      ['--verify', '--quiet', `${sha}^{commit}`],
      { okExitCodes: [1] },
    );
    return exitCode === 0;
  }

  /** Throws NotFoundError for the first of `shas` that is not a local commit. */
  async requireCommits(shas: string[]): Promise<void> {
    for (const sha of shas) {
      if (!(await this.commitExists(sha))) throw this.unknownCommit(sha);
    }
  }

  unknownCommit(sha: string): NotFoundError {
    return new NotFoundError(
      `Commit ${sha} is not in git repository ${this.id}`,
    );
  }

  /** Throws NotFoundError until the first fetch has created the mirror. */
  async require(): Promise<void> {
    await this.ownDirectories();
    if (!(await this.exists())) {
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
  async ensure(): Promise<void> {
    await this.ownDirectories();
    if (await this.exists()) return;

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
}

async function pathExists(target: string): Promise<boolean> {
  return fs.lstat(target).then(
    () => true,
    () => false,
  );
}

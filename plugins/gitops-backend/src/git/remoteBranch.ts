import fs from 'node:fs/promises';
import path from 'node:path';
import { GitCommandError } from './GitCommandError';
import { GitMirror } from './GitMirror';
import { prepareAuthEnvironment } from './gitEnvironment';
import { assertCommitSha } from './gitInputs';

/** A branch name from a repository file, checked before it reaches a refspec. */
function assertBranchName(branch: string | undefined): void {
  if (branch === undefined) return;
  if (
    !/^[A-Za-z0-9._/-]{1,200}$/.test(branch) ||
    branch.startsWith('-') ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.lock') ||
    branch.includes('..') ||
    branch.includes('//')
  ) {
    throw new Error(`"${branch}" is not a branch name this plugin pushes to`);
  }
}
import { scrubCredentials } from './scrubCredentials';
import { GitRemote } from './types';

/** How many fast-forwards a branch remembers for {@link RemoteBranch.fastForwarded}. */
const FAST_FORWARDS_KEPT = 8;

/** git's refusal (under LC_ALL=C) to move a ref to a commit that does not descend from it. */
function isNonFastForward(error: unknown): boolean {
  return (
    error instanceof GitCommandError &&
    error.stderr.includes('[rejected]') &&
    error.stderr.includes('(non-fast-forward)')
  );
}

/**
 * The mirror's exchanges with its remote branch: fetch and push, each with
 * the remote's credentials set up for that one process only. The remote
 * URL is passed on each exchange and never stored in the mirror.
 */
export class RemoteBranch {
  constructor(
    private readonly mirror: GitMirror,
    private readonly remote: GitRemote,
    /** The remote's secrets, scrubbed from what git reports. */
    private readonly secrets: string[],
    private readonly timeoutMs: number,
  ) {}

  /** Branch moves seen by this instance's fetches that were fast-forwards. */
  private readonly fastForwards: Array<{ from: string; to: string }> = [];

  /** Fetches the branch into the mirror (created on first use): the new head. */
  async fetch(): Promise<string> {
    const { mirror, remote } = this;
    return mirror.exclusive(async () => {
      await mirror.ensure();
      const started = Date.now();
      const before = await this.looseTrackedHead();
      // Without '+' first: git refuses a non-fast-forward update, so a fetch
      // that succeeds proves the old head an ancestor of the new one and the
      // sync needs no `merge-base` process. A force-push is fetched again
      // with '+', so that the rewritten branch replaces ours.
      let forced = false;
      await this.withAuth(async env => {
        try {
          await this.fetchRefspec(env, false);
        } catch (error) {
          if (!isNonFastForward(error)) throw error;
          forced = true;
          await this.fetchRefspec(env, true);
        }
      });
      const head = await this.trackedHead();
      if (!forced && before && before !== head) {
        this.fastForwards.push({ from: before, to: head });
        this.fastForwards.splice(
          0,
          this.fastForwards.length - FAST_FORWARDS_KEPT,
        );
      }
      mirror.logger.debug('Fetched', {
        repository: mirror.id,
        branch: remote.branch,
        head,
        durationMs: Date.now() - started,
      });
      return head;
    });
  }

  /**
   * Pushes `commit` to the branch (or to `toBranch`, as an
   * ImageUpdateAutomation's `git.push.branch` asks) without force;
   * `rejected` when the remote moved on.
   */
  async push(
    commit: string,
    toBranch?: string,
  ): Promise<'pushed' | 'rejected'> {
    assertCommitSha(commit);
    assertBranchName(toBranch);
    const { mirror, remote } = this;
    const branch = toBranch ?? remote.branch;
    return mirror.exclusive(async () => {
      await mirror.require();
      const { exitCode, stdout, stderr } = await this.withAuth(env =>
        mirror.git(
          'push',
          ['--porcelain', remote.url, `${commit}:refs/heads/${branch}`],
          {
            env,
            okExitCodes: [1],
            context: `of ${branch} to ${this.describe()}`,
          },
        ),
      );
      const report = `${stdout.toString('utf8')}\n${stderr}`;
      if (exitCode === 1) {
        // --porcelain marks a refused ref with '!'; anything else is a fault.
        if (
          /^!\s/m.test(report) &&
          /rejected|non-fast-forward|fetch first/.test(report)
        ) {
          return 'rejected';
        }
        const scrubbed = scrubCredentials(report, this.secrets).trim();
        throw new GitCommandError({
          command: 'push',
          kind: 'failed',
          message: `git push of ${branch} to ${this.describe()} failed: ${scrubbed}`,
          exitCode,
          stderr: scrubbed,
        });
      }
      // Only the followed branch is tracked; another branch is the remote's alone.
      if (branch === remote.branch) {
        await mirror.git('update-ref', [this.trackingRef(), commit]);
      }
      mirror.logger.info('Pushed', {
        repository: mirror.id,
        branch,
        sha: commit,
      });
      return 'pushed';
    });
  }

  /**
   * Whether a fetch of this instance saw the branch move from `ancestor`
   * straight to `descendant` without force: then it is an ancestor, for
   * good (commits never change).
   */
  fastForwarded(ancestor: string, descendant: string): boolean {
    return this.fastForwards.some(
      f => f.from === ancestor && f.to === descendant,
    );
  }

  private fetchRefspec(env: NodeJS.ProcessEnv, force: boolean) {
    const { mirror, remote } = this;
    return mirror.git(
      'fetch',
      [
        '--no-tags',
        '--no-write-fetch-head',
        remote.url,
        `${force ? '+' : ''}refs/heads/${remote.branch}:${this.trackingRef()}`,
      ],
      { env, context: `of ${remote.branch} from ${this.describe()}` },
    );
  }

  /** Runs `exchange` with the remote's auth environment, removed after. */
  private async withAuth<T>(
    exchange: (env: NodeJS.ProcessEnv) => Promise<T>,
  ): Promise<T> {
    const auth = await prepareAuthEnvironment(this.remote.auth, {
      connectTimeoutSeconds: Math.max(
        1,
        Math.min(30, Math.ceil(this.timeoutMs / 1000)),
      ),
    });
    try {
      return await exchange(auth.env);
    } finally {
      await auth.dispose();
    }
  }

  /**
   * The fetched branch head. fetch writes the ref as a loose file, so it is
   * read from disk, saving a process on every sync; rev-parse answers when
   * the ref was packed.
   */
  private async trackedHead(): Promise<string> {
    const loose = await this.looseTrackedHead();
    if (loose) return loose;
    const { stdout } = await this.mirror.git('rev-parse', [
      '--verify',
      `${this.trackingRef()}^{commit}`,
    ]);
    return stdout.toString('utf8').trim();
  }

  /** The tracking ref's loose file, when it is one (else undefined). */
  private async looseTrackedHead(): Promise<string | undefined> {
    const loose = await fs
      .readFile(path.join(this.mirror.directory, this.trackingRef()), 'utf8')
      .then(
        text => text.trim(),
        () => '',
      );
    return /^[0-9a-f]{40}$/.test(loose) ? loose : undefined;
  }

  private trackingRef(): string {
    return `refs/remotes/origin/${this.remote.branch}`;
  }

  private describe(): string {
    return scrubCredentials(this.remote.url, this.secrets);
  }
}

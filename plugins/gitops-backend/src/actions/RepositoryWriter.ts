import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { RepositoryConfig } from '../config';
import { EmptyCommitError, GitRepository } from '../git';
import { errorMessage } from '../kernel';
import { CommitReason, GitopsMetrics } from '../metrics';
import { ManifestAtHead, readManifestsAtHead } from './manifestsAtHead';

/** The remote head a change is computed against, and a way to read its files. */
export type HeadSnapshot = {
  head: string;
  /** The files that exist at `head`; missing paths are absent from the map. */
  readFiles(paths: string[]): Promise<Map<string, Buffer>>;
  /**
   * Manifest files at `head`, parsed and bounded by the parser's size limit;
   * a file too large to read is one that did not read cleanly, not a missing one.
   */
  readManifests(paths: string[]): Promise<Map<string, ManifestAtHead>>;
};

/** What one attempt wants committed, and what the caller gets back once it is pushed. */
export type PlannedCommit<T> = {
  files: Map<string, Buffer>;
  message: string;
  value: T;
  /** The commit's author when not the repository's (an ImageUpdateAutomation's `git.commit.author`). */
  author?: { name: string; email: string };
  /** Pushes to this branch instead of the followed one (an ImageUpdateAutomation's `git.push.branch`). */
  pushBranch?: string;
};

/**
 * Computes a change from the files at a head. Undefined means git already
 * holds what was asked for. Called again on the new head after a rejected
 * push, so it must read everything it writes from the snapshot.
 */
export type CommitPlan<T> = (
  snapshot: HeadSnapshot,
) => Promise<PlannedCommit<T> | undefined>;

export type WrittenCommit<T> = { commit: string; message: string; value: T };

const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * The one way the plugin writes to a config repository: fetch the remote
 * head, compute the change from the files there, commit it as the
 * repository's author, push without force, and when someone pushed first,
 * start over from their head. After a push, git sync is asked to pick the
 * commit up. Image automation and the release actions share it.
 */
export class RepositoryWriter {
  private readonly maxAttempts: number;

  constructor(
    private readonly options: {
      repository: RepositoryConfig;
      git: GitRepository;
      logger: LoggerService;
      /** Called after a push, to have git sync pick the commit up. */
      afterPush?: (commit: string) => Promise<void>;
      maxAttempts?: number;
      /** Counts each pushed commit, with the write's reason (else `commitReason`); none when unset. */
      metrics?: GitopsMetrics;
      /** Why this writer's commits are made, when a write does not say. */
      commitReason?: CommitReason;
    },
  ) {
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  get repository(): RepositoryConfig {
    return this.options.repository;
  }

  /** Runs `compute` against the current remote head without writing anything. */
  async preview<T>(
    compute: (snapshot: HeadSnapshot) => Promise<T>,
  ): Promise<T> {
    return compute(this.snapshot(await this.options.git.fetch()));
  }

  /**
   * Commits and pushes what `plan` computes. Undefined when there is
   * nothing to commit. Throws `ConflictError` when every attempt was
   * rejected because the branch kept moving.
   *
   * Once `signal` aborts (a scheduled run past its timeout, which another
   * replica may now be running), nothing more is committed or pushed: the
   * signal's reason is thrown instead.
   */
  async write<T>(
    plan: CommitPlan<T>,
    options: { signal?: AbortSignal; reason?: CommitReason } = {},
  ): Promise<WrittenCommit<T> | undefined> {
    const { git, repository, logger } = this.options;
    const { signal } = options;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      signal?.throwIfAborted();
      const head = await git.fetch();
      const planned = await plan(this.snapshot(head));
      if (!planned || planned.files.size === 0) return undefined;
      signal?.throwIfAborted();
      let commit: string;
      try {
        commit = await git.createCommit({
          parent: head,
          files: planned.files,
          message: planned.message,
          author: planned.author ?? repository.author,
        });
      } catch (error) {
        if (error instanceof EmptyCommitError) return undefined;
        throw error;
      }
      signal?.throwIfAborted();
      const pushBranch =
        planned.pushBranch && planned.pushBranch !== repository.branch
          ? planned.pushBranch
          : undefined;
      if ((await git.push(commit, pushBranch)) === 'pushed') {
        const reason = options.reason ?? this.options.commitReason;
        if (reason) this.options.metrics?.commitPushed(repository.id, reason);
        // A push to another branch leaves the followed one as it was.
        if (!pushBranch) await this.notify(commit);
        return { commit, message: planned.message, value: planned.value };
      }
      logger.info('Push rejected; retrying on the new head', {
        repository: repository.id,
        attempt,
      });
    }
    throw new ConflictError(
      `The push to ${repository.id} was rejected ${this.maxAttempts} times: the branch keeps moving`,
    );
  }

  private snapshot(head: string): HeadSnapshot {
    const { git } = this.options;
    return {
      head,
      async readFiles(paths) {
        const files = new Map<string, Buffer>();
        for (const [path, content] of await git.readFiles(head, paths)) {
          if (Buffer.isBuffer(content)) files.set(path, content);
        }
        return files;
      },
      readManifests: paths => readManifestsAtHead(git, head, paths),
    };
  }

  // The commit is pushed whatever happens here, so a failed trigger must not
  // turn a successful write into an error; the schedule picks it up anyway.
  private async notify(commit: string): Promise<void> {
    try {
      await this.options.afterPush?.(commit);
    } catch (error) {
      this.options.logger.warn('Could not trigger git sync after a push', {
        repository: this.options.repository.id,
        commit,
        error: errorMessage(error),
      });
    }
  }
}

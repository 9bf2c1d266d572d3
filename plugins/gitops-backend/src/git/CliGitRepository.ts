import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CommitRequest, createCommit } from './createCommit';
import { authSecrets } from './gitEnvironment';
import {
  assertRemote,
  assertRepositoryId,
  normaliseRepositoryPath,
} from './gitInputs';
import { GitMirror } from './GitMirror';
import { readLooseBlob } from './looseObjects';
import * as reads from './mirrorReads';
import { RecentDiffs } from './recentDiffs';
import { RemoteBranch } from './remoteBranch';
import {
  GitChange,
  GitCommitInfo,
  GitFileTooLarge,
  GitRemote,
  GitRepository,
  GitTreeEntry,
} from './types';

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * A {@link GitRepository} backed by the git CLI and a bare mirror at
 * `workDir/<id>` ({@link GitMirror}). The remote branch is kept at
 * `refs/remotes/origin/<branch>`; the remote URL is passed on each fetch
 * and never stored ({@link RemoteBranch}).
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
    const secrets = authSecrets(options.remote.auth);
    const mirror = new GitMirror(
      options.id,
      path.resolve(options.workDir),
      options.logger,
      timeoutMs,
      secrets,
    );
    return new CliGitRepository(
      mirror,
      new RemoteBranch(mirror, options.remote, secrets, timeoutMs),
    );
  }

  /** What `diff` read on the way: the next reads of a sync need no process. */
  private readonly recentDiffs = new RecentDiffs();

  private constructor(
    private readonly mirror: GitMirror,
    private readonly remote: RemoteBranch,
  ) {}

  fetch(): Promise<string> {
    return this.remote.fetch();
  }

  listTree(commit: string, prefix?: string): Promise<GitTreeEntry[]> {
    return reads.listTree(this.mirror, commit, prefix);
  }

  /**
   * Files a diff to `commit` changed are read from their loose objects when
   * the fetch left them loose (no process); the others through git.
   */
  async readFiles(
    commit: string,
    paths: string[],
    options?: { maxBytes?: number },
  ): Promise<Map<string, Buffer | GitFileTooLarge>> {
    const maxBytes = options?.maxBytes ?? Infinity;
    const found = new Map<string, Buffer | GitFileTooLarge>();
    const rest: string[] = [];
    await Promise.all(
      paths.map(async requested => {
        // Only paths as git spells them (else git's checks and answer apply).
        const blob =
          normaliseRepositoryPath(requested) === requested
            ? this.recentDiffs.blobAt(commit, requested)
            : undefined;
        const content =
          blob !== undefined && maxBytes >= 0
            ? await readLooseBlob(this.mirror.directory, blob, maxBytes)
            : undefined;
        if (content === undefined) rest.push(requested);
        else found.set(requested, content);
      }),
    );
    if (rest.length === paths.length) {
      return reads.readFiles(this.mirror, commit, paths, options);
    }
    const fromGit =
      rest.length > 0
        ? await reads.readFiles(this.mirror, commit, rest, options)
        : new Map<string, Buffer | GitFileTooLarge>();
    // In the order asked, as git's answers come.
    const files = new Map<string, Buffer | GitFileTooLarge>();
    for (const requested of paths) {
      const content = found.get(requested) ?? fromGit.get(requested);
      if (content !== undefined) files.set(requested, content);
    }
    return files;
  }

  async diff(from: string, to: string): Promise<GitChange[]> {
    const { changes, commit } = await reads.diff(this.mirror, from, to);
    this.recentDiffs.remember(to, commit, changes);
    return changes.map(({ status, path: changed, oldPath }) =>
      oldPath === undefined
        ? { status, path: changed }
        : { status, path: changed, oldPath },
    );
  }

  isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    // The fetch that moved the branch between the two already proved it.
    if (this.remote.fastForwarded(ancestor, descendant))
      return Promise.resolve(true);
    return reads.isAncestor(this.mirror, ancestor, descendant);
  }

  hasCommit(sha: string): Promise<boolean> {
    return reads.hasCommit(this.mirror, sha);
  }

  commitInfo(sha: string): Promise<GitCommitInfo> {
    const known = this.recentDiffs.commitInfo(sha);
    if (known) return Promise.resolve(known);
    return reads.commitInfo(this.mirror, sha);
  }

  lastChange(
    from: string,
    to: string,
    filePath: string,
  ): Promise<GitCommitInfo | undefined> {
    return reads.lastChange(this.mirror, from, to, filePath);
  }

  createCommit(options: CommitRequest): Promise<string> {
    return createCommit(this.mirror, options);
  }

  push(commit: string, branch?: string): Promise<'pushed' | 'rejected'> {
    return this.remote.push(commit, branch);
  }
}

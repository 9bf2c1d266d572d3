import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CommitRequest, createCommit } from './createCommit';
import { authSecrets } from './gitEnvironment';
import { assertRemote, assertRepositoryId } from './gitInputs';
import { GitMirror } from './GitMirror';
import * as reads from './mirrorReads';
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
/** How many commits `diff` described are kept for `commitInfo`. */
const RECENT_COMMITS_KEPT = 4;

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

  /** Commits that `diff` read on the way, by sha (commits never change). */
  private readonly recentCommits = new Map<string, GitCommitInfo>();

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

  readFiles(
    commit: string,
    paths: string[],
    options?: { maxBytes?: number },
  ): Promise<Map<string, Buffer | GitFileTooLarge>> {
    return reads.readFiles(this.mirror, commit, paths, options);
  }

  async diff(from: string, to: string): Promise<GitChange[]> {
    const { changes, commit } = await reads.diff(this.mirror, from, to);
    // The same process told who made `to`: a sync asks next.
    this.recentCommits.set(to, commit);
    for (const sha of this.recentCommits.keys()) {
      if (this.recentCommits.size <= RECENT_COMMITS_KEPT) break;
      this.recentCommits.delete(sha);
    }
    return changes;
  }

  isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    // The fetch that moved the branch between the two already proved it.
    if (this.remote.fastForwarded(ancestor, descendant)) return Promise.resolve(true);
    return reads.isAncestor(this.mirror, ancestor, descendant);
  }

  hasCommit(sha: string): Promise<boolean> {
    return reads.hasCommit(this.mirror, sha);
  }

  commitInfo(sha: string): Promise<GitCommitInfo> {
    const known = this.recentCommits.get(sha);
    if (known) return Promise.resolve({ ...known });
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

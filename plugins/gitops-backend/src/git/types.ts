/** How git authenticates against a remote. */
export type GitAuth =
  /** file:// remotes and anonymous access. */
  | { type: 'none' }
  /** HTTPS with a personal access token or app token; username defaults to 'x-access-token'. */
  | { type: 'token'; username?: string; token: string }
  /** SSH with a deploy key; the key must not be passphrase protected. */
  | { type: 'ssh'; privateKey: string; knownHosts: string; passphrase?: never };

/** One branch of one remote repository. */
export type GitRemote = { url: string; branch: string; auth: GitAuth };

/** One entry of `git ls-tree --long`; `size` is absent for trees and submodules. */
export type GitTreeEntry = {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
};

/** One changed path between two commits; renames and copies carry `oldPath`. */
export type GitChange = {
  status: 'A' | 'M' | 'D' | 'R' | 'C' | 'T';
  path: string;
  oldPath?: string;
};

export type GitCommitInfo = {
  sha: string;
  authorName: string;
  authorEmail: string;
  message: string;
  /** Committer date, ISO 8601 in UTC. */
  committedAt: string;
};

/** What `readFiles` returns for a file larger than `maxBytes`: its size, not its content. */
export type GitFileTooLarge = { tooLarge: number };

export interface GitRepository {
  /** Fetches the branch from the remote into a local bare mirror (clone on first use) and returns the remote head commit sha. */
  fetch(): Promise<string>;
  /** Every entry of the tree at `commit` under `prefix` (recursive, `git ls-tree -r -t -z --long`), with git modes so callers can spot symlinks (120000). */
  listTree(commit: string, prefix?: string): Promise<GitTreeEntry[]>;
  /** Contents of many files at `commit` in ONE process (`git cat-file --batch`), skipping/marking files over maxBytes. Missing paths are absent from the map. */
  readFiles(
    commit: string,
    paths: string[],
    options?: { maxBytes?: number },
  ): Promise<Map<string, Buffer | GitFileTooLarge>>;
  /** Files changed between two commits (`git diff --name-status -z -M`). */
  diff(from: string, to: string): Promise<GitChange[]>;
  /** Whether `ancestor` is an ancestor of `descendant` (force-push detection); false when `ancestor` is unknown locally. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Whether the commit exists locally. */
  hasCommit(sha: string): Promise<boolean>;
  commitInfo(sha: string): Promise<GitCommitInfo>;
  /**
   * The newest commit after `from`, up to `to`, that changed `path`
   * (`git log -1 from..to -- path`); undefined when none did.
   */
  lastChange(
    from: string,
    to: string,
    path: string,
  ): Promise<GitCommitInfo | undefined>;
  /**
   * Writes a commit on top of `parent` that sets these files' contents
   * (existing files keep their mode), without a working tree. Throws
   * {@link EmptyCommitError} when the files already hold these contents:
   * never an empty commit.
   */
  createCommit(options: {
    parent: string;
    files: Map<string, Buffer>;
    message: string;
    author: { name: string; email: string };
  }): Promise<string>;
  /**
   * Pushes `commit` to the remote branch, never forcing. `rejected` when the
   * remote moved on (someone pushed first): fetch, re-apply and try again.
   */
  push(commit: string, branch?: string): Promise<'pushed' | 'rejected'>;
}

import { RawChange } from './parseRawDiff';
import { GitCommitInfo } from './types';

/** Modes of what `readFiles` answers with content: files, executables, symlinks. */
const FILE_MODES = new Set(['100644', '100755', '120000']);

/** How many diffs are remembered, newest first out last. */
const DIFFS_KEPT = 4;

type Remembered = {
  commit: GitCommitInfo;
  /** Each file the diff changed at its new side: path -> blob id. */
  blobs: Map<string, string>;
};

/**
 * What the last few diffs said about the commit they ended at: its author
 * and message, and the blob id of each file they changed there. A sync
 * asks for exactly those next (`commitInfo`, `readFiles`), and commits
 * never change, so these answers never go stale.
 */
export class RecentDiffs {
  private readonly byCommit = new Map<string, Remembered>();

  remember(to: string, commit: GitCommitInfo, changes: RawChange[]): void {
    const blobs = new Map<string, string>();
    for (const change of changes) {
      if (change.status !== 'D' && FILE_MODES.has(change.mode))
        blobs.set(change.path, change.blob);
    }
    this.byCommit.delete(to);
    this.byCommit.set(to, { commit, blobs });
    for (const sha of this.byCommit.keys()) {
      if (this.byCommit.size <= DIFFS_KEPT) break;
      this.byCommit.delete(sha);
    }
  }

  commitInfo(sha: string): GitCommitInfo | undefined {
    const known = this.byCommit.get(sha)?.commit;
    return known && { ...known };
  }

  /** The blob id of `path` at `commit`, when a diff to it changed that file. */
  blobAt(commit: string, path: string): string | undefined {
    return this.byCommit.get(commit)?.blobs.get(path);
  }
}

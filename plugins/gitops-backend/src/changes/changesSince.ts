import { GitChange, GitRepository } from '../git';

/**
 * What changed in a config repository between the commit a loop last
 * handled and the head it handles now: the diff, or `full` when there is no
 * diff to trust (nothing handled yet, or history was rewritten so that the
 * old commit is no longer an ancestor of the head, or is unknown here).
 */
export type CommitChanges =
  | { full: true }
  | { full: false; changes: GitChange[] };

/**
 * A failed diff after the ancestry check succeeded is thrown: an empty
 * change set would record the head as handled and lose the changes.
 */
export async function changesSince(
  git: GitRepository,
  since: string | undefined,
  head: string,
): Promise<CommitChanges> {
  if (since === undefined) return { full: true };
  // The diff runs alongside the ancestry check (one round trip less on the
  // common path) and is dropped when the history was rewritten.
  const diff = git.diff(since, head);
  diff.catch(() => undefined); // awaited below; not unhandled meanwhile
  if (!(await git.isAncestor(since, head))) return { full: true };
  return { full: false, changes: await diff };
}

import { CommitChanges } from './changesSince';

/** Which files a loop reads at the head, and what the diff says left git. */
export type ReadPlan = {
  full: boolean;
  /** Files to read at the head. */
  read: Set<string>;
  /** Deleted files and the old side of renames; empty for a full read. */
  removed: Set<string>;
  /** Renamed files, new path -> old path; empty for a full read. */
  renamedFrom: Map<string, string>;
  /** Every path the diff touched, both sides of a rename; empty for a full read. */
  changedPaths: string[];
};

/** The files of one loop's concern, as {@link planReads} asks for them. */
export type ReadScope = {
  /** Whether a file the diff touched is one this loop reads. */
  reads: (path: string) => boolean;
  /** Every file this loop reads at the head, for a full read. */
  listAll: () => Promise<Iterable<string>>;
  /** The files of the releases whose chart lies in one of these folders. */
  chartUsers: (folders: string[]) => Promise<Iterable<string>>;
};

/** `a/b/c.yaml` -> `a`, `a/b`. */
function foldersOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * The files git sync and apply read for a set of changes: every file of
 * their scope on a full read; otherwise the changed files of their scope,
 * plus the files of the releases whose chart folder changed, so that their
 * chart version and revision follow the chart.
 */
export async function planReads(
  changes: CommitChanges,
  scope: ReadScope,
): Promise<ReadPlan> {
  if (changes.full) {
    return {
      full: true,
      read: new Set(await scope.listAll()),
      removed: new Set(),
      renamedFrom: new Map(),
      changedPaths: [],
    };
  }
  const read = new Set<string>();
  const removed = new Set<string>();
  const renamedFrom = new Map<string, string>();
  const changedPaths: string[] = [];
  const touchedFolders = new Set<string>();
  for (const change of changes.changes) {
    if (change.oldPath) {
      removed.add(change.oldPath);
      renamedFrom.set(change.path, change.oldPath);
    }
    if (change.status === 'D') removed.add(change.path);
    else if (scope.reads(change.path)) read.add(change.path);
    for (const path of change.oldPath
      ? [change.path, change.oldPath]
      : [change.path]) {
      changedPaths.push(path);
      foldersOf(path).forEach(folder => touchedFolders.add(folder));
    }
  }
  if (touchedFolders.size > 0) {
    for (const path of await scope.chartUsers([...touchedFolders]))
      read.add(path);
  }
  return { full: false, read, removed, renamedFrom, changedPaths };
}

/** git's modes for entries that are not plain files or directories. */
const SYMLINK_MODE = '120000';
const SUBMODULE_MODE = '160000';
const TREE_MODE = '040000';

export type ChartPathCheck =
  | { ok: true; normalized: string }
  | { ok: false; message: string };

function isDirectory(
  path: string,
  treeEntries: ReadonlyMap<string, string>,
): boolean {
  if (treeEntries.get(path) === TREE_MODE) return true;
  // Listings without tree entries (`ls-tree -r` without `-t`) still show
  // a directory through the files under it.
  const prefix = `${path}/`;
  for (const entry of treeEntries.keys()) {
    if (entry.startsWith(prefix)) return true;
  }
  return false;
}

/**
 * Walks a chart path as git would resolve it: `.` and empty segments are
 * skipped, `..` climbs. `enter` sees each directory entered, in order, and
 * may refuse it. Refuses what no tree can make acceptable: an empty or
 * absolute path, a backslash or NUL byte, `..` that climbs out of the root.
 */
function walkChartPath(
  chartPath: string,
  enter: (directory: string) => string | undefined,
): ChartPathCheck {
  if (chartPath.trim() === '') {
    return { ok: false, message: 'the chart path is empty' };
  }
  if (chartPath.startsWith('/') || /^[A-Za-z]:/.test(chartPath)) {
    return {
      ok: false,
      message: `${chartPath} is absolute; chart paths are relative to the repository root`,
    };
  }
  if (chartPath.includes('\\') || chartPath.includes('\0')) {
    return {
      ok: false,
      message: `${JSON.stringify(chartPath)} contains a backslash or NUL byte`,
    };
  }
  const walked: string[] = [];
  for (const segment of chartPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (walked.length === 0) {
        return { ok: false, message: `${chartPath} leaves the repository` };
      }
      walked.pop();
      continue;
    }
    walked.push(segment);
    const refusal = enter(walked.join('/'));
    if (refusal) return { ok: false, message: refusal };
  }
  return { ok: true, normalized: walked.length === 0 ? '.' : walked.join('/') };
}

/**
 * A chart path as written (`./charts/podinfo/`) in the repository-relative
 * form the store keeps (`charts/podinfo`; `.` for the root), without looking
 * at any commit. `entered` lists every directory the path passes through,
 * which a commit must be read for to check it with {@link checkChartPath}.
 */
export function normalizeChartPath(
  chartPath: string,
):
  | (ChartPathCheck & { ok: false })
  | { ok: true; normalized: string; entered: string[] } {
  const entered: string[] = [];
  const walk = walkChartPath(chartPath, directory => {
    entered.push(directory);
    return undefined;
  });
  return walk.ok ? { ...walk, entered } : walk;
}

/**
 * Whether a chart path from a HelmRelease stays inside the repository, and
 * its normalized form (`.` for the repository root). Refused: absolute
 * paths, backslashes and NUL bytes, `..` that climbs out of the root, and
 * any component that is a symlink or a submodule in the commit, since their
 * contents (or what `..` after them means) lie outside the tree we read.
 * The path must name a directory of the commit. Pure: `treeEntries` maps the
 * commit's repository-relative paths to their git modes.
 */
export function checkChartPath(
  chartPath: string,
  treeEntries: ReadonlyMap<string, string>,
): ChartPathCheck {
  const walk = walkChartPath(chartPath, directory => {
    const mode = treeEntries.get(directory);
    if (mode === SYMLINK_MODE) {
      return `${directory} is a symlink; chart paths may not pass through symlinks`;
    }
    if (mode === SUBMODULE_MODE) {
      return `${directory} is a submodule, whose files are not in this repository`;
    }
    return undefined;
  });
  if (!walk.ok || walk.normalized === '.') return walk;
  if (!isDirectory(walk.normalized, treeEntries)) {
    return {
      ok: false,
      message: `${walk.normalized} is not a directory in the commit`,
    };
  }
  return walk;
}

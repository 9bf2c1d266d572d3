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

  // Walk the path as git would resolve it, checking each directory entered.
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
    const current = walked.join('/');
    const mode = treeEntries.get(current);
    if (mode === SYMLINK_MODE) {
      return {
        ok: false,
        message: `${current} is a symlink; chart paths may not pass through symlinks`,
      };
    }
    if (mode === SUBMODULE_MODE) {
      return {
        ok: false,
        message: `${current} is a submodule, whose files are not in this repository`,
      };
    }
  }

  const normalized = walked.join('/');
  if (normalized === '') return { ok: true, normalized: '.' };
  if (!isDirectory(normalized, treeEntries)) {
    return {
      ok: false,
      message: `${normalized} is not a directory in the commit`,
    };
  }
  return { ok: true, normalized };
}

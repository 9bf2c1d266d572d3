/**
 * A path written in a repository file (`../base/podinfo`, `./apps/staging`),
 * resolved against the folder it is relative to, as a normalized
 * repository path without `./` or a trailing slash (`''` for the root).
 * Undefined when git could not hold it or it leaves the repository: an
 * absolute path, a drive letter, a backslash or NUL, `..` above the root.
 */
export function resolveRepositoryPath(
  folder: string,
  written: string,
): string | undefined {
  if (
    written.startsWith('/') ||
    /^[A-Za-z]:/.test(written) ||
    /[\\\0]/.test(written)
  ) {
    return undefined;
  }
  const parts: string[] = [];
  for (const segment of [...folder.split('/'), ...written.split('/')]) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else {
      parts.push(segment);
    }
  }
  return parts.join('/');
}

/** The folder of a repository file (`''` at the root). */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Whether `path` is `folder` or lies under it (every path lies under the root `''`). */
export function isWithin(path: string, folder: string): boolean {
  return folder === '' || path === folder || path.startsWith(`${folder}/`);
}

import { GitTreeEntry } from './types';

const ENTRY = /^(\d{6}) (blob|tree|commit) ([0-9a-f]{40,64}) +(-|\d+)$/;

/**
 * Parses `git ls-tree -r -t -z --long` output. `prefix` is put back in front
 * of each path when the listing was of a subtree (`<commit>:<prefix>`).
 */
export function parseTreeListing(output: Buffer, prefix = ''): GitTreeEntry[] {
  const entries: GitTreeEntry[] = [];
  for (const record of output.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const match = tab === -1 ? null : ENTRY.exec(record.slice(0, tab));
    if (!match) {
      throw new Error(
        `Unexpected git ls-tree output: ${JSON.stringify(
          record.slice(0, 200),
        )}`,
      );
    }
    const [, mode, type, sha, size] = match;
    const name = record.slice(tab + 1);
    entries.push({
      path: prefix ? `${prefix}/${name}` : name,
      mode,
      type: type as GitTreeEntry['type'],
      sha,
      ...(size === '-' ? {} : { size: Number(size) }),
    });
  }
  return entries;
}

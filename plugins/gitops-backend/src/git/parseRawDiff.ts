import { GitChange } from './types';

const STATUSES = new Set(['A', 'M', 'D', 'R', 'C', 'T']);
const RAW_HEADER =
  /^:(\d{6}) (\d{6}) ([0-9a-f]{40}) ([0-9a-f]{40}) ([A-Z])\d*$/;

/** One changed path and what it is at the new side: its mode and blob id. */
export type RawChange = GitChange & { mode: string; blob: string };

/**
 * Parses `git diff-tree -r -z --raw -M` output: per change a header
 * `:<old mode> <new mode> <old sha> <new sha> <status>` (with a similarity
 * score for renames and copies, e.g. `R087`), then one path, or the old and
 * the new path for renames and copies. A deleted path's new side is zeros.
 */
export function parseRawDiff(output: Buffer): RawChange[] {
  const fields = output.toString('utf8').split('\0');
  // The output ends with a NUL, which leaves one empty field behind.
  if (fields[fields.length - 1] === '') fields.pop();

  const changes: RawChange[] = [];
  let index = 0;
  while (index < fields.length) {
    const header = fields[index++];
    const match = RAW_HEADER.exec(header);
    if (!match || !STATUSES.has(match[5])) {
      throw new Error(
        `Unexpected git diff line ${JSON.stringify(header.slice(0, 120))}`,
      );
    }
    const [, , mode, , blob, status] = match;
    if (status === 'R' || status === 'C') {
      const oldPath = fields[index++];
      const path = fields[index++];
      if (oldPath === undefined || path === undefined) {
        throw new Error('Truncated git diff output');
      }
      changes.push({ status, path, oldPath, mode, blob });
    } else {
      const path = fields[index++];
      if (path === undefined) {
        throw new Error('Truncated git diff output');
      }
      changes.push({ status: status as GitChange['status'], path, mode, blob });
    }
  }
  return changes;
}

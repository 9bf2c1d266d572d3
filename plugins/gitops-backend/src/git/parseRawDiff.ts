import { GitChange } from './types';

const STATUSES = new Set(['A', 'M', 'D', 'R', 'C', 'T']);

/**
 * Parses `git diff --name-status -z -M` output: a status (with a similarity
 * score for renames and copies, e.g. `R087`) followed by one path, or by the
 * old and the new path for renames and copies.
 */
export function parseNameStatus(output: Buffer): GitChange[] {
  const fields = output.toString('utf8').split('\0');
  // The output ends with a NUL, which leaves one empty field behind.
  if (fields[fields.length - 1] === '') fields.pop();

  const changes: GitChange[] = [];
  let index = 0;
  while (index < fields.length) {
    const code = fields[index++];
    const status = code.charAt(0);
    if (!STATUSES.has(status)) {
      throw new Error(`Unexpected git diff status ${JSON.stringify(code)}`);
    }
    if (status === 'R' || status === 'C') {
      const oldPath = fields[index++];
      const path = fields[index++];
      if (oldPath === undefined || path === undefined) {
        throw new Error('Truncated git diff output');
      }
      changes.push({ status, path, oldPath });
    } else {
      const path = fields[index++];
      if (path === undefined) {
        throw new Error('Truncated git diff output');
      }
      changes.push({ status: status as GitChange['status'], path });
    }
  }
  return changes;
}

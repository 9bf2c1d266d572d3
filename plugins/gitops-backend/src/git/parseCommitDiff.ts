import { parseRawDiff, RawChange } from './parseRawDiff';
import { GitCommitInfo } from './types';

/**
 * The `--format` that {@link parseCommitDiff} reads: the commit's fields,
 * NUL-separated, then its sha once more. A message cannot contain its own
 * commit's sha, so `\0<sha>\0` marks where the message ends.
 */
export const COMMIT_DIFF_FORMAT = '%H%x00%an%x00%ae%x00%ct%x00%B%x00%H';

const NUL = 0;
const NEWLINE = 0x0a;

function withoutTrailingNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === NEWLINE) end--;
  return text.slice(0, end);
}

/**
 * Parses `git diff-tree --stdin --always -r -z --raw -M
 * --format=<COMMIT_DIFF_FORMAT>` given one line `<commit> <old>`: the
 * commit's author and message, then (after a newline, when there are any)
 * the changes from `<old>` to it. Undefined when git printed nothing, which
 * is how diff-tree --stdin answers a commit it cannot read.
 */
export function parseCommitDiff(
  output: Buffer,
  sha: string,
): { commit: GitCommitInfo; changes: RawChange[] } | undefined {
  if (output.length === 0) return undefined;
  const fields: string[] = [];
  let offset = 0;
  for (let i = 0; i < 4; i++) {
    const end = output.indexOf(NUL, offset);
    if (end === -1) throw new Error('Truncated git diff-tree output');
    fields.push(output.subarray(offset, end).toString('utf8'));
    offset = end + 1;
  }
  const [commitSha, authorName, authorEmail, committedAt] = fields;
  if (commitSha !== sha) {
    throw new Error(
      `git diff-tree described ${commitSha.slice(0, 60)} instead of ${sha}`,
    );
  }
  const terminator = Buffer.from(`\0${sha}\0`);
  const messageEnd = output.indexOf(terminator, offset);
  if (messageEnd === -1) throw new Error('Truncated git diff-tree output');
  const message = output.subarray(offset, messageEnd).toString('utf8');
  let rest = output.subarray(messageEnd + terminator.length);
  if (rest.length > 0) {
    if (rest[0] !== NEWLINE)
      throw new Error('Unexpected git diff-tree output after the commit');
    rest = rest.subarray(1);
  }
  return {
    commit: {
      sha: commitSha,
      authorName,
      authorEmail,
      message: withoutTrailingNewlines(message),
      committedAt: new Date(Number(committedAt) * 1000).toISOString(),
    },
    changes: parseRawDiff(rest),
  };
}

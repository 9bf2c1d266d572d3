import { ImagePolicyError } from './ImagePolicyError';

/**
 * Policies come from repository files, which anyone who can push may write,
 * and they are matched on the backend's event loop against every tag of an
 * image. Matching is linear in the tag, but its cost per character still
 * grows with the pattern, so patterns are bounded too. 256 characters is
 * twice the longest tag an OCI registry accepts (128), room enough for any
 * filter written to select tags.
 *
 * @public
 */
export const MAX_PATTERN_LENGTH = 256;

/**
 * Refuses a glob, regular expression, semver range or `extract` template
 * longer than `MAX_PATTERN_LENGTH`; `what` names which, for the message.
 */
export function assertPatternLength(text: string, what: string): void {
  if (text.length > MAX_PATTERN_LENGTH) {
    throw new ImagePolicyError(
      `the ${what} starting ${JSON.stringify(text.slice(0, 32))} is ${
        text.length
      } characters long; at most ${MAX_PATTERN_LENGTH} are allowed`,
    );
  }
}

/**
 * The most RE2 instructions a compiled regular expression may have. A
 * regular expression is matched in time proportional to the tag's length
 * times its program size, and counted repetitions (`[0-9a-f]{7,40}` is 77
 * instructions) can make a short pattern a large program. 500 holds any
 * filter written to select tags while keeping each match under a
 * millisecond.
 *
 * @public
 */
export const MAX_PROGRAM_SIZE = 500;

import { assertPatternLength } from './patternLimits';

/** Whether a tag matches a compiled glob. */
export type GlobMatcher = (tag: string) => boolean;

/**
 * Flux v1 globs (ryanuber/go-glob): `*` matches any run of characters,
 * nothing else is special, and the pattern must cover the whole tag.
 * Matching is case-sensitive.
 *
 * With `*` the only wildcard, the earliest place each literal between two
 * stars can go is always as good as any later one (it leaves the most tag
 * for the rest), so one pass left to right decides the match without ever
 * going back, in at most the tag's length times the glob's steps however
 * many stars it has; a backtracking `.*` per star grows as the tag's length
 * to the number of stars. Throws `ImagePolicyError` for a glob longer than
 * `MAX_PATTERN_LENGTH`.
 */
export function compileGlob(pattern: string): GlobMatcher {
  assertPatternLength(pattern, 'glob');
  const parts = pattern.split('*');
  if (parts.length === 1) return tag => tag === pattern;
  const head = parts[0];
  const tail = parts[parts.length - 1];
  const middle = parts.slice(1, -1).filter(part => part !== '');
  return tag => {
    if (tag.length < head.length + tail.length) return false;
    if (!tag.startsWith(head) || !tag.endsWith(tail)) return false;
    // The middle literals must fit between head and tail, without overlapping either.
    const end = tag.length - tail.length;
    let from = head.length;
    for (const part of middle) {
      const at = tag.indexOf(part, from);
      if (at < 0 || at + part.length > end) return false;
      from = at + part.length;
    }
    return true;
  };
}

import { RE2JS, RE2JSException } from 're2js';
import { ImagePolicyError } from './ImagePolicyError';
import { MAX_PROGRAM_SIZE, assertPatternLength } from './patternLimits';

/**
 * Flux compiles tag filters with Go's regexp package, which is RE2: no
 * backtracking, so matching takes time linear in the tag whatever the
 * pattern. Patterns come from repository files, so JavaScript's
 * backtracking `RegExp` must never run them (`^([0-9a-f]+)+x$` against a
 * 40-character sha would take hours); RE2JS, a port of Go's engine in plain
 * JavaScript, reads the same syntax with the same meaning and also runs in
 * the browser, where the frontend explains policies.
 */

/** A match: the text of each group by number, undefined for a group that took no part, and named groups by name. */
export type GoRegexpMatch = {
  readonly [group: number]: string | undefined;
  readonly groups?: Readonly<Record<string, string | undefined>>;
};

export type GoRegexp = {
  /** Whether the pattern matches anywhere in `text`, as Go's `MatchString`. */
  test(text: string): boolean;
  /** The leftmost match in `text`, as Go's `FindStringSubmatch`, or undefined. */
  exec(text: string): GoRegexpMatch | undefined;
};

/** Perl constructs people bring from JavaScript; RE2 refuses them, and saying why saves a search. */
const PERL_ONLY =
  /unsupported Perl syntax|invalid named capture|invalid escape sequence: `\\[1-9]/;

function reasonOf(error: RE2JSException): string {
  const reason = error.message.replace(/^error parsing regexp: /, '');
  return PERL_ONLY.test(reason)
    ? `${reason} (Go regular expressions have no lookaround or backreferences)`
    : reason;
}

function compile(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    if (error instanceof RE2JSException) {
      throw new ImagePolicyError(
        `invalid regular expression ${JSON.stringify(pattern)}: ${reasonOf(
          error,
        )}`,
      );
    }
    throw error;
  }
}

/**
 * Compiles a Go regular expression, unanchored as Go's `MatchString` is.
 * Throws `ImagePolicyError` for a pattern that is invalid in Go, longer
 * than `MAX_PATTERN_LENGTH` or larger than `MAX_PROGRAM_SIZE` compiled.
 */
export function compileGoRegexp(pattern: string): GoRegexp {
  assertPatternLength(pattern, 'regular expression');
  const re = compile(pattern);
  const size = re.programSize();
  if (size > MAX_PROGRAM_SIZE) {
    throw new ImagePolicyError(
      `the regular expression ${JSON.stringify(
        pattern,
      )} compiles to ${size} instructions, more than the ${MAX_PROGRAM_SIZE} allowed; use smaller repetition counts`,
    );
  }
  return {
    test: text => re.test(text),
    exec: text => (re.exec(text) as GoRegexpMatch | null) ?? undefined,
  };
}

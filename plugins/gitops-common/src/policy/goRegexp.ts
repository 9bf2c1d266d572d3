import { ImagePolicyError } from './ImagePolicyError';

/**
 * Flux compiles tag filters with Go's regexp package (RE2 syntax). Most of
 * it reads the same in JavaScript, but a few spellings do not, and some of
 * them JavaScript would accept while meaning something else (`\z` is a
 * plain `z` to it). Those are translated where JavaScript can say the same
 * thing and refused otherwise, so that a filter never silently selects
 * different tags here than it would in Flux. Constructs Go rejects
 * (lookaround, backreferences) are refused too, for the same reason.
 */

/** Letter escapes that mean the same in both (`\x` only with two hex digits). */
const SHARED_LETTER_ESCAPES = new Set('dDwWsSbBntrfv');

/** Go's inline flags, valid only at the very start here: JavaScript has no inline modifiers. */
const LEADING_FLAGS = /^\(\?([imsU]+)\)/;
const FLAG_GROUP = /^\(\?[-imsU]+[:)]/;

/** Why a pattern cannot be used; wrapped with the whole pattern by `compileGoRegexp`. */
class Untranslatable extends Error {}

function refuse(reason: string): never {
  throw new Untranslatable(reason);
}

function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Translates one escape at `index` (pointing at the backslash); returns the JavaScript text and the characters consumed. */
function translateEscape(
  pattern: string,
  index: number,
  inClass: boolean,
): { text: string; length: number } {
  const next = pattern[index + 1];
  if (next === undefined) refuse('it ends with a lone backslash');
  if (next === 'Q' && !inClass) {
    const end = pattern.indexOf('\\E', index + 2);
    const literal = pattern.slice(index + 2, end < 0 ? undefined : end);
    return {
      text: escapeLiteral(literal),
      length: (end < 0 ? pattern.length : end + 2) - index,
    };
  }
  if (next === 'A' && !inClass) return { text: '(?<![\\s\\S])', length: 2 };
  if (next === 'z' && !inClass) return { text: '(?![\\s\\S])', length: 2 };
  if (next === 'a') return { text: '\\x07', length: 2 };
  if (next === 'x') {
    if (/^[0-9A-Fa-f]{2}$/.test(pattern.slice(index + 2, index + 4))) {
      return { text: pattern.slice(index, index + 4), length: 4 };
    }
    refuse('\\x is supported only with two hex digits');
  }
  if (/[1-9]/.test(next)) {
    refuse('Go regular expressions have no backreferences');
  }
  if (/[A-Za-z]/.test(next) && !SHARED_LETTER_ESCAPES.has(next)) {
    refuse(
      `the escape \\${next} is not supported (Unicode classes, \\C and the like read differently in JavaScript)`,
    );
  }
  return { text: `\\${next}`, length: 2 };
}

function translate(pattern: string): { source: string; flags: string } {
  let flags = '';
  let rest = pattern;
  const leading = LEADING_FLAGS.exec(rest);
  if (leading) {
    if (leading[1].includes('U')) {
      refuse('the ungreedy flag (?U) is not supported');
    }
    flags = [...new Set(leading[1])].join('');
    rest = rest.slice(leading[0].length);
  }

  let out = '';
  let inClass = false;
  for (let i = 0; i < rest.length; ) {
    const char = rest[i];
    if (char === '\\') {
      const escape = translateEscape(rest, i, inClass);
      out += escape.text;
      i += escape.length;
      continue;
    }
    if (inClass) {
      if (rest.startsWith('[:', i)) {
        refuse(
          'POSIX classes such as [:alpha:] are not supported; spell the range out, as in [a-zA-Z]',
        );
      }
      if (char === ']') inClass = false;
      out += char;
      i += 1;
      continue;
    }
    if (char === '[') {
      // In Go a `]` right after `[` or `[^` is a literal; in JavaScript it would close the class.
      const negated = rest[i + 1] === '^';
      const start = i + (negated ? 2 : 1);
      out += negated ? '[^' : '[';
      i = start;
      if (rest[i] === ']') {
        out += '\\]';
        i += 1;
      }
      inClass = true;
      continue;
    }
    if (char === '(' && rest[i + 1] === '?') {
      const group = rest.slice(i);
      if (group.startsWith('(?P<')) {
        out += '(?<';
        i += 4;
        continue;
      }
      if (/^\(\?(?:=|!|<=|<!)/.test(group)) {
        refuse('Go regular expressions have no lookahead or lookbehind');
      }
      if (FLAG_GROUP.test(group)) {
        refuse('inline flags are supported only at the very start');
      }
    }
    out += char;
    i += 1;
  }

  return { source: out, flags };
}

/**
 * Compiles a Go regular expression as JavaScript, unanchored as Go's
 * `MatchString` is. Throws `ImagePolicyError` for a pattern that is invalid
 * or that cannot be given the same meaning.
 */
export function compileGoRegexp(pattern: string): RegExp {
  try {
    const { source, flags } = translate(pattern);
    return new RegExp(source, flags);
  } catch (error) {
    const reason =
      error instanceof Untranslatable || error instanceof SyntaxError
        ? error.message
        : String(error);
    throw new ImagePolicyError(
      `invalid regular expression ${JSON.stringify(pattern)}: ${reason}`,
    );
  }
}

import { compileGoRegexp } from './goRegexp';
import { ImagePolicyError } from './ImagePolicyError';
import { MAX_PATTERN_LENGTH, MAX_PROGRAM_SIZE } from './patternLimits';

describe('compileGoRegexp', () => {
  it('matches anywhere in the tag, as Go MatchString does', () => {
    const pattern = compileGoRegexp('dev');
    expect(pattern.test('build-dev-1')).toBe(true);
    expect(pattern.test('main-1')).toBe(false);
    expect(compileGoRegexp('^dev-[0-9a-f]+$').test('dev-abc1')).toBe(true);
    expect(compileGoRegexp('^dev-[0-9a-f]+$').test('dev-xyz')).toBe(false);
  });

  it('reads Go named groups (?P<name>…) and (?<name>…)', () => {
    const match = compileGoRegexp('^main-[a-f0-9]+-(?P<ts>\\d+)$').exec(
      'main-abc123-1700000000',
    );
    expect(match?.groups?.ts).toBe('1700000000');
    expect(compileGoRegexp('(?<n>\\d+)').exec('v12')?.groups?.n).toBe('12');
  });

  it('reads inline flags anywhere, as Go does', () => {
    expect(compileGoRegexp('(?i)^DEV-').test('dev-1')).toBe(true);
    expect(compileGoRegexp('^DEV-').test('dev-1')).toBe(false);
    expect(compileGoRegexp('(?s)a.b').test('a\nb')).toBe(true);
    expect(compileGoRegexp('a.b').test('a\nb')).toBe(false);
    expect(compileGoRegexp('^a(?i)b$').test('aB')).toBe(true);
    expect(compileGoRegexp('^a(?i)b$').test('AB')).toBe(false);
    expect(compileGoRegexp('^(?i:a)b$').test('Ab')).toBe(true);
    expect(compileGoRegexp('^(?i:a)b$').test('AB')).toBe(false);
    expect(compileGoRegexp('(?U)^a+').exec('aaa')?.[0]).toBe('a');
  });

  it('gives \\A, \\z, \\a and \\Q…\\E their Go meaning', () => {
    expect(compileGoRegexp('\\Av1').test('v1.0')).toBe(true);
    expect(compileGoRegexp('\\Av1').test('xv1')).toBe(false);
    expect(compileGoRegexp('-rc\\z').test('1.0-rc')).toBe(true);
    expect(compileGoRegexp('-rc\\z').test('1.0-rcz')).toBe(false);
    expect(compileGoRegexp('\\a').test('\x07')).toBe(true);
    expect(compileGoRegexp('^\\Q1.0+x\\E$').test('1.0+x')).toBe(true);
    expect(compileGoRegexp('^\\Q1.0+x\\E$').test('100+x')).toBe(false);
    expect(compileGoRegexp('^\\Qa.b').test('a.b')).toBe(true);
  });

  it('reads a ] right after [ or [^ as a literal, as Go does', () => {
    expect(compileGoRegexp('^[]a]+$').test(']a]')).toBe(true);
    expect(compileGoRegexp('^[^]a]+$').test('bc')).toBe(true);
    expect(compileGoRegexp('^[^]a]+$').test('b]')).toBe(false);
  });

  it('reads POSIX and Unicode classes and braced hex, as Go does', () => {
    expect(compileGoRegexp('^[[:alpha:]]+$').test('abC')).toBe(true);
    expect(compileGoRegexp('^[[:alpha:]]+$').test('ab1')).toBe(false);
    expect(compileGoRegexp('^\\pL+$').test('été')).toBe(true);
    expect(compileGoRegexp('^\\pL+$').test('v1')).toBe(false);
    expect(compileGoRegexp('^\\x{41}$').test('A')).toBe(true);
  });

  it('keeps escapes both languages share', () => {
    expect(compileGoRegexp('^v\\d+\\.\\d+$').test('v1.2')).toBe(true);
    expect(compileGoRegexp('^\\x41\\-\\/$').test('A-/')).toBe(true);
  });

  it('answers a nested repetition against a sha tag at once, where backtracking takes hours', () => {
    const sha = 'a3f9c2e17b04d58e6c1f2a9b7d3e05c4f8a1b2c3';
    const pattern = compileGoRegexp('^([0-9a-f]+)+x$');
    const started = performance.now();
    expect(pattern.test(sha)).toBe(false);
    expect(pattern.exec(sha)).toBeUndefined();
    expect(pattern.test(`${sha}x`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.each([
    ['(?=x)', 'no lookaround or backreferences'],
    ['a(?<!b)', 'no lookaround or backreferences'],
    ['(a)\\1', 'no lookaround or backreferences'],
    ['\\C', 'invalid escape sequence'],
    ['a**', 'invalid nested repetition operator'],
    ['a{1001}', 'invalid repeat count'],
    ['abc\\', 'trailing backslash'],
    ['(unclosed', 'missing closing )'],
  ])('refuses %s', (pattern, reason) => {
    expect(() => compileGoRegexp(pattern)).toThrow(ImagePolicyError);
    expect(() => compileGoRegexp(pattern)).toThrow(reason);
    expect(() => compileGoRegexp(pattern)).toThrow(JSON.stringify(pattern));
  });

  it('refuses a pattern longer than MAX_PATTERN_LENGTH', () => {
    const longest = `^${'a'.repeat(MAX_PATTERN_LENGTH - 2)}$`;
    expect(
      compileGoRegexp(longest).test('a'.repeat(MAX_PATTERN_LENGTH - 2)),
    ).toBe(true);
    expect(() => compileGoRegexp(`${longest}b`)).toThrow(ImagePolicyError);
    expect(() => compileGoRegexp(`${longest}b`)).toThrow(
      `is ${
        MAX_PATTERN_LENGTH + 1
      } characters long; at most ${MAX_PATTERN_LENGTH} are allowed`,
    );
  });

  it('refuses a short pattern that compiles larger than MAX_PROGRAM_SIZE', () => {
    expect(compileGoRegexp('^[0-9a-f]{7,40}$').test('a3f9c2e')).toBe(true);
    expect(() => compileGoRegexp('(a?){499}')).toThrow(ImagePolicyError);
    expect(() => compileGoRegexp('(a?){499}')).toThrow(
      `more than the ${MAX_PROGRAM_SIZE} allowed`,
    );
  });

  it('reports errors under the InputError name Backstage maps to 400', () => {
    expect(() => compileGoRegexp('(')).toThrow(
      expect.objectContaining({ name: 'InputError' }),
    );
  });
});

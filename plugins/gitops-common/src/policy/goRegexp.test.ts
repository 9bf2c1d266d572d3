import { compileGoRegexp } from './goRegexp';
import { ImagePolicyError } from './ImagePolicyError';

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

  it('turns leading inline flags into JavaScript flags', () => {
    expect(compileGoRegexp('(?i)^DEV-').test('dev-1')).toBe(true);
    expect(compileGoRegexp('^DEV-').test('dev-1')).toBe(false);
    expect(compileGoRegexp('(?s)a.b').test('a\nb')).toBe(true);
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

  it('keeps escapes both languages share', () => {
    expect(compileGoRegexp('^v\\d+\\.\\d+$').test('v1.2')).toBe(true);
    expect(compileGoRegexp('^\\x41\\-\\/$').test('A-/')).toBe(true);
  });

  it.each([
    ['(?=x)', 'no lookahead or lookbehind'],
    ['a(?<!b)', 'no lookahead or lookbehind'],
    ['(a)\\1', 'no backreferences'],
    ['[[:alpha:]]', 'POSIX classes'],
    ['\\pL', 'escape \\p is not supported'],
    ['\\x{41}', 'two hex digits'],
    ['a(?i)b', 'only at the very start'],
    ['(?i:a)', 'only at the very start'],
    ['(?U)a+', 'ungreedy'],
    ['abc\\', 'lone backslash'],
    ['(unclosed', 'Unterminated group'],
  ])('refuses %s', (pattern, reason) => {
    expect(() => compileGoRegexp(pattern)).toThrow(ImagePolicyError);
    expect(() => compileGoRegexp(pattern)).toThrow(reason);
    expect(() => compileGoRegexp(pattern)).toThrow(JSON.stringify(pattern));
  });

  it('reports errors under the InputError name Backstage maps to 400', () => {
    expect(() => compileGoRegexp('(')).toThrow(
      expect.objectContaining({ name: 'InputError' }),
    );
  });
});

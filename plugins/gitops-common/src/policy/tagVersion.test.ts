import {
  parseLenientVersion,
  parseStrictVersion,
  parseVersionRange,
} from './tagVersion';
import { ImagePolicyError } from './ImagePolicyError';

describe('parseLenientVersion (Flux v1)', () => {
  it.each([
    ['1.2.3', '1.2.3'],
    ['v1.2.3', '1.2.3'],
    ['1.2', '1.2.0'],
    ['v1.2', '1.2.0'],
    ['1', '1.0.0'],
    ['v1', '1.0.0'],
    ['01.2.03', '1.2.3'],
    ['1.2.3-rc.1', '1.2.3-rc.1'],
    ['1.2-rc1', '1.2.0-rc1'],
    ['1.2.3+build.5', '1.2.3'],
    ['20230101', '20230101.0.0'],
  ])('reads %s as %s', (tag, version) => {
    expect(parseLenientVersion(tag)?.version).toBe(version);
  });

  it.each([
    'dev-abc',
    'latest',
    '1.2.3.4',
    'v',
    '',
    'V1.2.3',
    '=1.2.3',
    '1.2.3-',
    '1.2.3-rc.01',
    '99999999999999999999.0.0',
  ])('does not read %j as a version', tag => {
    expect(parseLenientVersion(tag)).toBeUndefined();
  });
});

describe('parseStrictVersion (Flux v2)', () => {
  it('accepts strict semver with an optional leading v', () => {
    expect(parseStrictVersion('1.2.3')?.version).toBe('1.2.3');
    expect(parseStrictVersion('v1.2.3-rc.1+b')?.version).toBe('1.2.3-rc.1');
  });

  it.each(['1.2', 'v1', '01.2.3', 'vv1.2.3', 'dev-1.2.3', ' 1.2.3', 'latest'])(
    'rejects %j',
    tag => {
      expect(parseStrictVersion(tag)).toBeUndefined();
    },
  );
});

describe('parseVersionRange', () => {
  it('reads Masterminds constraints, commas meaning AND', () => {
    const range = parseVersionRange('>=1.0, <2.0');
    expect(range.test('1.5.0')).toBe(true);
    expect(range.test('2.0.0')).toBe(false);
    expect(parseVersionRange('~0.4').test('0.4.11')).toBe(true);
    expect(parseVersionRange('~0.4').test('0.5.0')).toBe(false);
    expect(parseVersionRange('^1.2 || 3.x').test('3.1.0')).toBe(true);
    expect(parseVersionRange('*').test('9.9.9')).toBe(true);
  });

  it('leaves prereleases out unless the range names one', () => {
    expect(parseVersionRange('~0.4').test('0.4.12-rc.1')).toBe(false);
    expect(parseVersionRange('>=0.4.12-rc.0 <0.5').test('0.4.12-rc.1')).toBe(
      true,
    );
  });

  it.each(['', '  ', 'foo', '!=1.2.3', '>=1.0 <'])(
    'refuses %j with a clear error',
    range => {
      expect(() => parseVersionRange(range)).toThrow(ImagePolicyError);
      expect(() => parseVersionRange(range)).toThrow(/semver/);
    },
  );
});

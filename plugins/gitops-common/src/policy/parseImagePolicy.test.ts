import { ImagePolicyError } from './ImagePolicyError';
import { describePolicy } from './describePolicy';
import { parseImagePolicy } from './parseImagePolicy';

describe('parseImagePolicy', () => {
  it.each([
    ['glob:dev-*', { kind: 'glob', pattern: 'dev-*' }],
    ['dev-*', { kind: 'glob', pattern: 'dev-*' }],
    ['latest', { kind: 'glob', pattern: 'latest' }],
    ['glob:latest', { kind: 'glob', pattern: 'latest' }],
    ['semver:~0.4', { kind: 'semver', range: '~0.4' }],
    ['semver: >=1.0, <2.0 ', { kind: 'semver', range: '>=1.0, <2.0' }],
    ['regex:^x', { kind: 'regex', pattern: '^x' }],
    ['regexp:x', { kind: 'regex', pattern: 'x' }],
    ['regexp:', { kind: 'regex', pattern: '' }],
    ['  glob:dev-* ', { kind: 'glob', pattern: 'dev-*' }],
    // Prefixes are case-sensitive in Flux: this is a bare glob.
    ['Glob:dev-*', { kind: 'glob', pattern: 'Glob:dev-*' }],
  ])('reads %j', (filter, policy) => {
    expect(parseImagePolicy(filter)).toEqual({ policy });
  });

  it.each([undefined, '', '   ', 'glob:'])(
    'reads %j as glob:*, as Flux does for no filter',
    filter => {
      expect(parseImagePolicy(filter)).toEqual({
        policy: { kind: 'glob', pattern: '*' },
      });
    },
  );

  it.each([
    ['semver:', /needs a range/],
    ['semver:banana', /invalid semver range "banana"/],
    ['semver:!=1.0.0', /invalid semver range/],
    ['regex:(', /invalid regular expression "\("/],
    ['regexp:(?=x)', /lookahead/],
  ])('refuses %j with a clear message', (filter, message) => {
    expect(() => parseImagePolicy(filter)).toThrow(ImagePolicyError);
    expect(() => parseImagePolicy(filter)).toThrow(message);
  });
});

describe('describePolicy', () => {
  it.each(['glob:dev-*', 'glob:*', 'semver:~0.4', 'regex:^x', 'glob:latest'])(
    'writes %s so that parseImagePolicy reads it back',
    text => {
      const def = parseImagePolicy(text);
      expect(describePolicy(def)).toBe(text);
      expect(parseImagePolicy(describePolicy(def))).toEqual(def);
    },
  );

  it('writes the regexp: alias as regex:', () => {
    expect(describePolicy(parseImagePolicy('regexp:^v'))).toBe('regex:^v');
  });

  it('names Flux v2 kinds and their tag filter', () => {
    expect(
      describePolicy({ policy: { kind: 'semver-strict', range: '>=1.0' } }),
    ).toBe('semver-strict:>=1.0');
    expect(
      describePolicy({ policy: { kind: 'alphabetical', order: 'asc' } }),
    ).toBe('alphabetical:asc');
    expect(
      describePolicy({
        policy: { kind: 'numerical', order: 'desc' },
        filter: { pattern: '^main-(?P<ts>\\d+)$', extract: '$ts' },
      }),
    ).toBe('numerical:desc (tags matching ^main-(?P<ts>\\d+)$, extract $ts)');
    expect(
      describePolicy({
        policy: { kind: 'alphabetical', order: 'asc' },
        filter: { pattern: '^RELEASE\\.' },
      }),
    ).toBe('alphabetical:asc (tags matching ^RELEASE\\.)');
  });
});

import fc from 'fast-check';
import { ImagePolicyError } from './ImagePolicyError';
import { describePolicy } from './describePolicy';
import { parseImagePolicy } from './parseImagePolicy';
import { MAX_PATTERN_LENGTH } from './patternLimits';
import { selectLatestTag } from './selectLatestTag';
import { TagCandidate } from './types';

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
    ['regexp:(?=x)', /no lookaround or backreferences/],
    [
      `glob:${'*'.repeat(MAX_PATTERN_LENGTH + 1)}`,
      /glob .* 257 characters long/,
    ],
    [
      `regex:${'a'.repeat(MAX_PATTERN_LENGTH + 1)}`,
      /regular expression .* 257 characters long/,
    ],
    [
      `semver:${' || '.repeat(MAX_PATTERN_LENGTH)}1.0`,
      /semver range .* characters long/,
    ],
    ['regex:(a?){499}', /more than the 500 allowed/],
  ])('refuses %j with a clear message', (filter, message) => {
    expect(() => parseImagePolicy(filter)).toThrow(ImagePolicyError);
    expect(() => parseImagePolicy(filter)).toThrow(message);
  });
});

describe('image policies from repository files cannot stall the backend', () => {
  const sha = 'a3f9c2e17b04d58e6c1f2a9b7d3e05c4f8a1b2c3';
  const registry: TagCandidate[] = [
    { tag: sha, createdAt: '2026-01-10T10:00:00Z' },
    { tag: 'a'.repeat(128), createdAt: '2026-01-11T10:00:00Z' },
    { tag: `${sha}x`, createdAt: '2026-01-09T10:00:00Z' },
    { tag: `${'a'.repeat(60)}x`, createdAt: '2026-01-08T10:00:00Z' },
  ];

  it.each([
    ['regex:^([0-9a-f]+)+x$', `${sha}x`],
    [`glob:${'*a'.repeat(40)}*x`, `${'a'.repeat(60)}x`],
  ])('chooses under %s in milliseconds', (filter, tag) => {
    const started = performance.now();
    expect(selectLatestTag(parseImagePolicy(filter), registry)?.tag).toBe(tag);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  // Policies made of what blows up a backtracking engine: nested and counted repetition, alternation.
  const atom = fc.constantFrom(
    'a',
    'b',
    '0',
    '-',
    '.',
    '\\d',
    '\\w',
    '[0-9a-f]',
    '[^-]',
    '\\pL',
  );
  const quantifier = fc.constantFrom(
    '',
    '*',
    '+',
    '?',
    '*?',
    '{2,}',
    '{1,9}',
    '{0,40}',
  );
  const regex: fc.Arbitrary<string> = fc.letrec<{ node: string }>(tie => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      fc.tuple(tie('node'), quantifier).map(([node, q]) => `(${node})${q}`),
      fc.tuple(tie('node'), tie('node')).map(([a, b]) => `${a}${b}`),
      fc.tuple(tie('node'), tie('node')).map(([a, b]) => `(?:${a}|${b})`),
    ),
  })).node;
  const filter = fc.oneof(
    fc
      .tuple(fc.constantFrom('', '^'), regex, fc.constantFrom('', '$', 'x$'))
      .map(([start, body, end]) => `regex:${start}${body}${end}`),
    fc
      .string({
        unit: fc.constantFrom('a', '0', '-', '*'),
        maxLength: MAX_PATTERN_LENGTH,
      })
      .map(glob => `glob:${glob}`),
    // Anything at all, up to and past the cap, to reach the parser's refusals too.
    fc.string({ maxLength: MAX_PATTERN_LENGTH + 20 }),
  );
  const tag = fc.string({
    unit: fc.constantFrom('a', 'b', '0', '1', '-', '.', 'x'),
    maxLength: 128,
  });

  it('reads and applies any filter to any tags within a bound, or refuses it clearly', () => {
    fc.assert(
      fc.property(
        filter,
        fc.array(tag, { minLength: 1, maxLength: 20 }),
        (text, names) => {
          const started = performance.now();
          try {
            const choice = selectLatestTag(
              parseImagePolicy(text),
              names.map(name => ({ tag: name })),
            );
            // Any filter either chooses a listed tag (or none) or is refused clearly.
            // eslint-disable-next-line jest/no-conditional-expect
            if (choice) expect(names).toContain(choice.tag);
          } catch (error) {
            // eslint-disable-next-line jest/no-conditional-expect
            expect(error).toBeInstanceOf(ImagePolicyError);
          }
          expect(performance.now() - started).toBeLessThan(1000);
        },
      ),
      { numRuns: 300 },
    );
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

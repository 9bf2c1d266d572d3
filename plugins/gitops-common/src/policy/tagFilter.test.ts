import { compileTagFilter, expandTemplate } from './tagFilter';
import { ImagePolicyError } from './ImagePolicyError';
import { MAX_PATTERN_LENGTH } from './patternLimits';

describe('expandTemplate (Go Regexp.Expand)', () => {
  const match = /^(?<branch>[a-z]+)-(?<sha>[0-9a-f]+)-(\d+)$/.exec(
    'main-abc123-1700',
  )!;

  it.each([
    ['$branch', 'main'],
    ['${sha}', 'abc123'],
    ['$3', '1700'],
    ['${3}', '1700'],
    ['$0', 'main-abc123-1700'],
    ['$3.$sha', '1700.abc123'],
    ['${branch}x', 'mainx'],
    // `$branchx` names a group that does not exist, so it expands to nothing.
    ['$branchx', ''],
    ['$9', ''],
    ['$$3', '$3'],
    ['cost: $', 'cost: $'],
    ['${-}', '${-}'],
  ])('expands %j to %j', (template, expected) => {
    expect(expandTemplate(template, match)).toBe(expected);
  });

  it('expands a group that did not take part in the match to nothing', () => {
    const partial = /^(a)?(b)$/.exec('b')!;
    expect(expandTemplate('[$1][$2]', partial)).toBe('[][b]');
  });
});

describe('compileTagFilter', () => {
  it('passes every tag through unchanged without a filter', () => {
    expect(compileTagFilter(undefined)('anything')).toBe('anything');
  });

  it('admits matching tags, unanchored, keeping the tag without extract', () => {
    const filter = compileTagFilter({ pattern: 'main-' });
    expect(filter('build-main-1')).toBe('build-main-1');
    expect(filter('dev-1')).toBeUndefined();
  });

  it('orders the extracted value when extract is set', () => {
    const filter = compileTagFilter({
      pattern: '^main-[a-f0-9]+-(?P<ts>\\d+)$',
      extract: '$ts',
    });
    expect(filter('main-abc-1700000000')).toBe('1700000000');
    expect(filter('dev-abc-1700000000')).toBeUndefined();
  });

  it('filters out a tag whose extraction comes out empty', () => {
    const filter = compileTagFilter({ pattern: '^v(\\d*)', extract: '$1' });
    expect(filter('v12')).toBe('12');
    expect(filter('vx')).toBeUndefined();
  });

  it('refuses an invalid pattern', () => {
    expect(() => compileTagFilter({ pattern: '(' })).toThrow(ImagePolicyError);
  });

  it('extracts through a nested repetition against a sha tag in milliseconds', () => {
    const sha = 'a3f9c2e17b04d58e6c1f2a9b7d3e05c4f8a1b2c3';
    const filter = compileTagFilter({
      pattern: '^(?P<sha>([0-9a-f]+)+)x$',
      extract: '$sha',
    });
    const started = performance.now();
    expect(filter(sha)).toBeUndefined();
    expect(filter(`${sha}x`)).toBe(sha);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses an extract template longer than MAX_PATTERN_LENGTH', () => {
    const extract = '$1'.repeat(MAX_PATTERN_LENGTH / 2);
    expect(compileTagFilter({ pattern: '(a)', extract })('a')).toBe(
      'a'.repeat(MAX_PATTERN_LENGTH / 2),
    );
    expect(() =>
      compileTagFilter({ pattern: '(a)', extract: `${extract}x` }),
    ).toThrow('extract template');
  });
});

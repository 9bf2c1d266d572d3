import fc from 'fast-check';
import { compileGlob } from './globPattern';
import { ImagePolicyError } from './ImagePolicyError';
import { MAX_PATTERN_LENGTH } from './patternLimits';

/**
 * The glob's meaning, read straight off its definition: a literal must meet
 * itself, a star may take any number of characters. Exponential, so only
 * for the short patterns and tags the properties generate.
 */
function referenceMatch(pattern: string, tag: string): boolean {
  if (pattern === '') return tag === '';
  if (pattern[0] === '*') {
    for (let taken = 0; taken <= tag.length; taken++) {
      if (referenceMatch(pattern.slice(1), tag.slice(taken))) return true;
    }
    return false;
  }
  return (
    tag[0] === pattern[0] && referenceMatch(pattern.slice(1), tag.slice(1))
  );
}

describe('compileGlob', () => {
  const matches = (pattern: string, tag: string) => compileGlob(pattern)(tag);

  it('matches the whole tag, * standing for any run of characters', () => {
    expect(matches('dev-*', 'dev-kb9lm91e')).toBe(true);
    expect(matches('dev-*', 'dev-')).toBe(true);
    expect(matches('dev-*', 'stg-dev-1')).toBe(false);
    expect(matches('*-dev', 'x-dev')).toBe(true);
    expect(matches('*-dev', 'x-dev-1')).toBe(false);
    expect(matches('a*b*c', 'a-1-b-2-c')).toBe(true);
    expect(matches('a*b*c', 'a-c-b')).toBe(false);
    expect(matches('*', '')).toBe(true);
    expect(matches('*', 'anything.at-all_1')).toBe(true);
  });

  it('treats everything but * literally', () => {
    expect(matches('1.0', '1.0')).toBe(true);
    expect(matches('1.0', '1x0')).toBe(false);
    expect(matches('v?', 'v1')).toBe(false);
    expect(matches('v?', 'v?')).toBe(true);
    expect(matches('[ab]', 'a')).toBe(false);
    expect(matches('a+', 'aa')).toBe(false);
  });

  it('is case-sensitive and exact without a star', () => {
    expect(matches('latest', 'latest')).toBe(true);
    expect(matches('latest', 'Latest')).toBe(false);
    expect(matches('dev', 'dev-1')).toBe(false);
  });

  it('does not let a literal overlap the head or tail it sits between', () => {
    expect(matches('a*a', 'a')).toBe(false);
    expect(matches('a*a', 'aa')).toBe(true);
    expect(matches('ab*b*bc', 'abbc')).toBe(false);
    expect(matches('ab*b*bc', 'abbbc')).toBe(true);
    expect(matches('**', '')).toBe(true);
  });

  it('answers a glob of many stars at once, where backtracking grows as the tag length to the number of stars', () => {
    const glob = `${'*a'.repeat(40)}*b`;
    const tag = 'a'.repeat(128);
    const started = performance.now();
    expect(matches(glob, tag)).toBe(false);
    expect(matches(glob, `${tag}b`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a glob longer than MAX_PATTERN_LENGTH', () => {
    expect(
      matches('a'.repeat(MAX_PATTERN_LENGTH), 'a'.repeat(MAX_PATTERN_LENGTH)),
    ).toBe(true);
    expect(() => compileGlob('*'.repeat(MAX_PATTERN_LENGTH + 1))).toThrow(
      ImagePolicyError,
    );
  });

  describe('properties', () => {
    // A small alphabet makes literals repeat and overlap, where a one-pass matcher would go wrong.
    const text = (maxLength: number) =>
      fc.string({ unit: fc.constantFrom('a', 'b', '-'), maxLength });
    const glob = fc.string({
      unit: fc.constantFrom('a', 'b', '-', '*'),
      maxLength: 10,
    });

    it('agrees with the definition of a glob', () => {
      fc.assert(
        fc.property(glob, text(12), (pattern, tag) => {
          expect(matches(pattern, tag)).toBe(referenceMatch(pattern, tag));
        }),
        { numRuns: 2000 },
      );
    });

    it('matches every tag built by filling the stars', () => {
      fc.assert(
        fc.property(
          glob,
          fc.array(text(6), { maxLength: 11 }),
          (pattern, fills) => {
            const parts = pattern.split('*');
            const tag = parts
              .map((part, i) =>
                i === 0 ? part : `${fills[i - 1] ?? ''}${part}`,
              )
              .join('');
            expect(matches(pattern, tag)).toBe(true);
          },
        ),
      );
    });

    it('answers any glob up to the length cap against any tag within a bound', () => {
      const longGlob = fc.string({
        unit: fc.constantFrom('a', 'b', '*'),
        maxLength: MAX_PATTERN_LENGTH,
      });
      fc.assert(
        fc.property(longGlob, text(256), (pattern, tag) => {
          const started = performance.now();
          compileGlob(pattern)(tag);
          expect(performance.now() - started).toBeLessThan(1000);
        }),
        { numRuns: 500 },
      );
    });
  });
});

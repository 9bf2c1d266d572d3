import { ImagePolicyError } from './ImagePolicyError';
import { parseImagePolicy } from './parseImagePolicy';
import { selectLatestTag } from './selectLatestTag';
import { PolicyDefinition, TagCandidate } from './types';

/** Every ordering of a small list, to show input order never matters. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map(
      rest => [item, ...rest],
    ),
  );
}

function expectSameChoiceInEveryOrder(
  def: PolicyDefinition,
  candidates: TagCandidate[],
  tag: string,
) {
  for (const order of permutations(candidates)) {
    expect(selectLatestTag(def, order)?.tag).toBe(tag);
  }
}

const tags = (...names: string[]): TagCandidate[] =>
  names.map(tag => ({ tag }));

describe('selectLatestTag: glob and regex, newest by creation time', () => {
  const registry: TagCandidate[] = [
    { tag: 'dev-aaa1111', createdAt: '2026-01-10T10:00:00Z' },
    { tag: 'dev-kb9lm91e', createdAt: '2026-01-12T09:30:00Z' },
    { tag: 'dev-zzz9999', createdAt: '2026-01-11T08:00:00Z' },
    { tag: 'stg-newest1', createdAt: '2026-02-01T00:00:00Z' },
    { tag: '0.4.11', createdAt: '2026-02-02T00:00:00Z' },
    { tag: 'latest', createdAt: '2026-02-03T00:00:00Z' },
  ];

  it('picks the newest dev- image for glob:dev-*, ignoring stg-*, versions and latest', () => {
    expect(selectLatestTag(parseImagePolicy('glob:dev-*'), registry)).toEqual({
      tag: 'dev-kb9lm91e',
      createdAt: '2026-01-12T09:30:00Z',
      reason: 'newest image matching glob:dev-* (created 2026-01-12T09:30:00Z)',
    });
  });

  it('gives the same choice in every input order', () => {
    expectSameChoiceInEveryOrder(
      parseImagePolicy('glob:dev-*'),
      registry,
      'dev-kb9lm91e',
    );
  });

  it('orders by time, not by name', () => {
    expect(
      selectLatestTag(parseImagePolicy('glob:*'), [
        { tag: 'b', createdAt: '2026-01-01T00:00:00Z' },
        { tag: 'a', createdAt: '2026-01-02T00:00:00Z' },
      ])?.tag,
    ).toBe('a');
  });

  it('compares times across time zones', () => {
    expect(
      selectLatestTag(parseImagePolicy('glob:*'), [
        { tag: 'utc', createdAt: '2026-01-01T10:00:00Z' },
        { tag: 'cet', createdAt: '2026-01-01T10:30:00+01:00' },
      ])?.tag,
    ).toBe('utc');
  });

  it('never picks latest for glob:*, but does for glob:latest', () => {
    expect(selectLatestTag(parseImagePolicy('glob:*'), registry)?.tag).toBe(
      '0.4.11',
    );
    expect(
      selectLatestTag(parseImagePolicy('glob:latest'), registry)?.tag,
    ).toBe('latest');
    expect(selectLatestTag(parseImagePolicy(undefined), tags('latest'))).toBe(
      undefined,
    );
  });

  it('ranks images without a creation time below all timed ones', () => {
    const candidates: TagCandidate[] = [
      { tag: 'dev-zzz' },
      { tag: 'dev-old', createdAt: '2020-01-01T00:00:00Z' },
      { tag: 'dev-bad', createdAt: 'not a time' },
      { tag: 'dev-epoch', createdAt: '1970-01-01T00:00:00Z' },
      { tag: 'dev-unset', createdAt: '0001-01-01T00:00:00Z' },
    ];
    expectSameChoiceInEveryOrder(
      parseImagePolicy('glob:dev-*'),
      candidates,
      'dev-old',
    );
  });

  it('breaks ties in time by the greatest tag name, in every order', () => {
    const same = '2026-01-01T00:00:00Z';
    const candidates: TagCandidate[] = [
      { tag: 'dev-b', createdAt: same },
      { tag: 'dev-c', createdAt: same },
      { tag: 'dev-a', createdAt: same },
      { tag: 'dev-old', createdAt: '2025-01-01T00:00:00Z' },
    ];
    expectSameChoiceInEveryOrder(
      parseImagePolicy('glob:dev-*'),
      candidates,
      'dev-c',
    );
    expect(
      selectLatestTag(parseImagePolicy('glob:dev-*'), candidates)?.reason,
    ).toBe(
      'newest image matching glob:dev-* (created 2026-01-01T00:00:00Z); tied on creation time with 2 other tags, and the greatest tag name wins',
    );
  });

  it('compares equal instants written differently as a tie', () => {
    expectSameChoiceInEveryOrder(
      parseImagePolicy('glob:*'),
      [
        { tag: 'x', createdAt: '2026-01-01T01:00:00Z' },
        { tag: 'y', createdAt: '2026-01-01T02:00:00+01:00' },
      ],
      'y',
    );
  });

  it('picks the greatest name when no time is known, and says so', () => {
    const candidates = tags('dev-2', 'dev-10', 'dev-1');
    expectSameChoiceInEveryOrder(
      parseImagePolicy('glob:dev-*'),
      candidates,
      'dev-2',
    );
    expect(selectLatestTag(parseImagePolicy('glob:dev-*'), candidates)).toEqual(
      {
        tag: 'dev-2',
        reason:
          'greatest tag name matching glob:dev-*: no creation time is known for it or the 2 other matching tags',
      },
    );
    expect(
      selectLatestTag(parseImagePolicy('glob:dev-*'), tags('dev-1'))?.reason,
    ).toBe('only image matching glob:dev-* (its creation time is not known)');
  });

  it('uses the latest known time of a tag listed twice, in every order', () => {
    expectSameChoiceInEveryOrder(
      parseImagePolicy('glob:*'),
      [
        { tag: 'a' },
        { tag: 'a', createdAt: '2026-03-01T00:00:00Z' },
        { tag: 'b', createdAt: '2026-02-01T00:00:00Z' },
      ],
      'a',
    );
  });

  it('picks the newest regex match, unanchored', () => {
    const choice = selectLatestTag(parseImagePolicy('regexp:-rc\\.'), [
      { tag: '1.0.0-rc.1', createdAt: '2026-01-01T00:00:00Z' },
      { tag: '1.0.0-rc.2', createdAt: '2026-01-02T00:00:00Z' },
      { tag: '1.0.0', createdAt: '2026-01-03T00:00:00Z' },
    ]);
    expect(choice).toEqual({
      tag: '1.0.0-rc.2',
      createdAt: '2026-01-02T00:00:00Z',
      reason:
        'newest image matching regex:-rc\\. (created 2026-01-02T00:00:00Z)',
    });
  });

  it('returns undefined when nothing matches', () => {
    expect(selectLatestTag(parseImagePolicy('glob:dev-*'), [])).toBeUndefined();
    expect(
      selectLatestTag(parseImagePolicy('glob:dev-*'), tags('stg-1', '0.4.11')),
    ).toBeUndefined();
  });
});

describe('selectLatestTag: Flux v1 semver', () => {
  const prod = parseImagePolicy('semver:~0.4');

  it('picks 0.4.11 over 0.4.10, 0.5.0, dev-abc and latest', () => {
    const candidates = tags('0.4.10', '0.4.11', '0.5.0', 'dev-abc', 'latest');
    expect(selectLatestTag(prod, candidates)).toEqual({
      tag: '0.4.11',
      reason: 'highest version in ~0.4',
    });
    expectSameChoiceInEveryOrder(prod, candidates, '0.4.11');
  });

  it('stays on 0.4.10 when only 0.5.0 is newer', () => {
    expect(selectLatestTag(prod, tags('0.4.10', '0.5.0'))?.tag).toBe('0.4.10');
  });

  it('orders by version, not by name or time', () => {
    expect(
      selectLatestTag(prod, [
        { tag: '0.4.9', createdAt: '2026-05-01T00:00:00Z' },
        { tag: '0.4.10', createdAt: '2026-01-01T00:00:00Z' },
      ]),
    ).toEqual({
      tag: '0.4.10',
      createdAt: '2026-01-01T00:00:00Z',
      reason: 'highest version in ~0.4',
    });
  });

  it('reads tags leniently: v0.4.12 and 0.4 count', () => {
    expect(selectLatestTag(prod, tags('0.4.11', 'v0.4.12'))?.tag).toBe(
      'v0.4.12',
    );
    expect(selectLatestTag(prod, tags('0.4'))?.tag).toBe('0.4');
  });

  it('skips prereleases unless the range names one', () => {
    expect(selectLatestTag(prod, tags('0.4.10', '0.4.11-rc.1'))?.tag).toBe(
      '0.4.10',
    );
    expect(
      selectLatestTag(
        parseImagePolicy('semver:>=0.4.11-rc.0 <0.5'),
        tags('0.4.10', '0.4.11-rc.1', '0.4.11-rc.2'),
      )?.tag,
    ).toBe('0.4.11-rc.2');
  });

  it('breaks equal versions by the greatest tag name (1.10.0 over 1.10, v1.2.3 over 1.2.3)', () => {
    const any = parseImagePolicy('semver:*');
    expectSameChoiceInEveryOrder(
      any,
      tags('1.10', '1.10.0', '1.9.9'),
      '1.10.0',
    );
    expectSameChoiceInEveryOrder(any, tags('1.2.3', 'v1.2.3'), 'v1.2.3');
    expectSameChoiceInEveryOrder(
      any,
      tags('1.2.3+b1', '1.2.3+b2', '1.2.2'),
      '1.2.3+b2',
    );
    expect(selectLatestTag(any, tags('1.10', '1.10.0'))?.reason).toBe(
      'highest version in *; tied with 1 other tag, and the greatest tag name wins',
    );
  });

  it('throws for an invalid range', () => {
    expect(() =>
      selectLatestTag(
        { policy: { kind: 'semver', range: 'banana' } },
        tags('1.0'),
      ),
    ).toThrow(ImagePolicyError);
  });
});

describe('selectLatestTag: Flux v2 kinds', () => {
  it('semver.range reads tags strictly', () => {
    const def: PolicyDefinition = {
      policy: { kind: 'semver-strict', range: '>=1.0.0' },
    };
    const candidates = tags('1.2', 'v1.1.0', '1.0.5', '2', 'latest');
    expect(selectLatestTag(def, candidates)).toEqual({
      tag: 'v1.1.0',
      reason: 'highest version in >=1.0.0 (strict semver)',
    });
    expectSameChoiceInEveryOrder(def, candidates, 'v1.1.0');
  });

  it('alphabetical asc (the default) picks the last tag in ascending order', () => {
    const def: PolicyDefinition = {
      policy: { kind: 'alphabetical', order: 'asc' },
    };
    const candidates = tags(
      'RELEASE.2023-01-01T00-00-00Z',
      'RELEASE.2023-01-31T00-00-00Z',
      'RELEASE.2022-12-31T00-00-00Z',
    );
    expect(selectLatestTag(def, candidates)).toEqual({
      tag: 'RELEASE.2023-01-31T00-00-00Z',
      reason: 'last tag in alphabetical order',
    });
    expectSameChoiceInEveryOrder(
      def,
      candidates,
      'RELEASE.2023-01-31T00-00-00Z',
    );
  });

  it('alphabetical desc picks the first tag in ascending order', () => {
    const def: PolicyDefinition = {
      policy: { kind: 'alphabetical', order: 'desc' },
    };
    expect(selectLatestTag(def, tags('b', 'a', 'c'))).toEqual({
      tag: 'a',
      reason: 'first tag in alphabetical order',
    });
  });

  it('alphabetical compares by code unit, as Go compares bytes', () => {
    const def: PolicyDefinition = {
      policy: { kind: 'alphabetical', order: 'asc' },
    };
    expect(selectLatestTag(def, tags('Z', 'a', '9'))?.tag).toBe('a');
  });

  it('numerical asc picks the highest number and desc the lowest, ignoring non-numbers', () => {
    const candidates = tags('10', '9', '100.5', '2e1', 'build-7', 'latest');
    expect(
      selectLatestTag(
        { policy: { kind: 'numerical', order: 'asc' } },
        candidates,
      ),
    ).toEqual({ tag: '100.5', reason: 'highest number' });
    expect(
      selectLatestTag(
        { policy: { kind: 'numerical', order: 'desc' } },
        candidates,
      ),
    ).toEqual({ tag: '9', reason: 'lowest number' });
    expectSameChoiceInEveryOrder(
      { policy: { kind: 'numerical', order: 'asc' } },
      candidates.slice(0, 5),
      '100.5',
    );
  });

  it('numerical breaks equal numbers by the greatest tag name', () => {
    expectSameChoiceInEveryOrder(
      { policy: { kind: 'numerical', order: 'asc' } },
      tags('1.0', '1', '01', '0.5'),
      '1.0',
    );
  });

  it('orders the value extracted by filterTags and writes the original tag', () => {
    const def: PolicyDefinition = {
      policy: { kind: 'numerical', order: 'asc' },
      filter: { pattern: '^main-[a-f0-9]+-(?P<ts>\\d+)$', extract: '$ts' },
    };
    const candidates = tags(
      'main-aaa111-1700000300',
      'main-fff999-1700000100',
      'main-bbb222-1700000200',
      'feature-ccc-1800000000',
    );
    expect(selectLatestTag(def, candidates)).toEqual({
      tag: 'main-aaa111-1700000300',
      reason:
        'highest number among tags matching ^main-[a-f0-9]+-(?P<ts>\\d+)$, ordered by $ts',
    });
    expectSameChoiceInEveryOrder(def, candidates, 'main-aaa111-1700000300');
  });

  it('breaks equal extracted values by the greatest original tag', () => {
    const def: PolicyDefinition = {
      policy: { kind: 'semver-strict', range: '*' },
      filter: { pattern: '^(?:dev|prod)-(?P<v>.+)$', extract: '$v' },
    };
    expectSameChoiceInEveryOrder(
      def,
      tags('dev-1.2.3', 'prod-1.2.3', 'dev-1.2.2'),
      'prod-1.2.3',
    );
  });

  it('filters without extract, ordering the whole tag', () => {
    const def: PolicyDefinition = {
      policy: { kind: 'alphabetical', order: 'asc' },
      filter: { pattern: '^RELEASE\\.' },
    };
    expect(selectLatestTag(def, tags('zzz', 'RELEASE.1', 'RELEASE.2'))).toEqual(
      {
        tag: 'RELEASE.2',
        reason:
          'last tag in alphabetical order among tags matching ^RELEASE\\.',
      },
    );
  });

  it('applies a tag filter to time-ordered policies as well', () => {
    const def: PolicyDefinition = {
      policy: { kind: 'glob', pattern: '*' },
      filter: { pattern: '^dev-' },
    };
    expect(
      selectLatestTag(def, [
        { tag: 'dev-1', createdAt: '2026-01-01T00:00:00Z' },
        { tag: 'stg-1', createdAt: '2026-01-02T00:00:00Z' },
      ])?.reason,
    ).toBe(
      'newest image matching glob:* among tags matching ^dev- (created 2026-01-01T00:00:00Z)',
    );
  });
});

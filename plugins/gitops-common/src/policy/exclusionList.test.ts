import {
  compileExclusionList,
  FLUX_DEFAULT_EXCLUSION_LIST,
} from './exclusionList';
import { describeFluxPolicy } from './describeFluxPolicy';

describe('compileExclusionList', () => {
  it("excludes cosign signatures by Flux's default and nothing else", () => {
    const excluded = compileExclusionList(FLUX_DEFAULT_EXCLUSION_LIST);
    expect(excluded('sha256-abc.sig')).toBe(true);
    expect(excluded('6.5.1.sig')).toBe(true);
    expect(excluded('6.5.1')).toBe(false);
    expect(excluded('signed')).toBe(false);
  });

  it('matches unanchored, as Go does, and any pattern excludes', () => {
    const excluded = compileExclusionList(['rc', '^dev-']);
    expect(excluded('6.5.1-rc.1')).toBe(true);
    expect(excluded('dev-abc')).toBe(true);
    expect(excluded('6.5.1')).toBe(false);
  });

  it('excludes nothing when the list is empty', () => {
    expect(compileExclusionList([])('x.sig')).toBe(false);
  });

  it('refuses backtracking syntax and too many patterns', () => {
    expect(() => compileExclusionList(['(?=x)'])).toThrow(
      /invalid regular expression/,
    );
    expect(() => compileExclusionList(Array(26).fill('x'))).toThrow(
      /at most 25/,
    );
  });
});

describe('describeFluxPolicy', () => {
  it('names the policy as the ImagePolicy spec does', () => {
    expect(
      describeFluxPolicy({
        policy: { kind: 'semver-strict', range: '>=6.0.0-0 <7.0.0' },
      }),
    ).toBe('semver:>=6.0.0-0 <7.0.0');
    expect(
      describeFluxPolicy({
        policy: { kind: 'numerical', order: 'asc' },
        filter: { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' },
      }),
    ).toBe(
      'numerical:asc (tags matching ^main-[a-f0-9]+-(?P<ts>[0-9]+), extract $ts)',
    );
  });
});

import { chartVersionMatches, isVersionRange } from './chartVersionMatches';

describe('chartVersionMatches', () => {
  it('needs an exact version to match', () => {
    expect(chartVersionMatches('0.2.1', '0.2.1')).toBe(true);
    expect(chartVersionMatches('0.2.1', '0.2.0')).toBe(false);
    expect(chartVersionMatches('v0.2.1', '0.2.1')).toBe(true);
    expect(chartVersionMatches('0.2.1', 'not-a-version')).toBe(false);
  });

  it('needs a range (Flux v2) to allow the deployed version', () => {
    expect(chartVersionMatches('6.x', '6.5.4')).toBe(true);
    expect(chartVersionMatches('*', '6.5.4')).toBe(true);
    expect(chartVersionMatches('>=6.0.0 <6.5.0', '6.5.4')).toBe(false);
    expect(chartVersionMatches('~5.2', '6.0.0')).toBe(false);
  });

  it('has nothing to compare without both versions', () => {
    expect(chartVersionMatches(undefined, '0.2.0')).toBe(true);
    expect(chartVersionMatches('0.2.0', undefined)).toBe(true);
  });

  it('compares other text as text', () => {
    expect(chartVersionMatches('latest-build', 'latest-build')).toBe(true);
    expect(chartVersionMatches('latest-build', 'other')).toBe(false);
  });
});

describe('isVersionRange', () => {
  it('tells ranges from versions', () => {
    expect(isVersionRange('6.x')).toBe(true);
    expect(isVersionRange('*')).toBe(true);
    expect(isVersionRange('0.2.1')).toBe(false);
    expect(isVersionRange('v0.2.1')).toBe(false);
  });
});

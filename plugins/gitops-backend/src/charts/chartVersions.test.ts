import { isNewerChart, newestAllowedVersion } from './chartVersions';

describe('newestAllowedVersion', () => {
  const versions = [
    '6.4.1',
    '6.5.0',
    '6.6.0',
    '6.7.0-rc.1',
    '7.0.0',
    'latest',
    'v8',
  ];

  it('picks the newest version the range allows, as Flux ranges read', () => {
    expect(newestAllowedVersion(versions, '*')).toBe('7.0.0');
    expect(newestAllowedVersion(versions, '6.x')).toBe('6.6.0');
    expect(newestAllowedVersion(versions, '>=6.0.0, <7.0.0')).toBe('6.6.0');
    expect(newestAllowedVersion(versions, '~6.5.0')).toBe('6.5.0');
    expect(newestAllowedVersion(versions, '6.5.0')).toBe('6.5.0');
    // A range naming a pre-release admits pre-releases (Masterminds).
    expect(newestAllowedVersion(versions, '>=6.0.0-0 <7.0.0')).toBe(
      '6.7.0-rc.1',
    );
    expect(newestAllowedVersion(versions, '>=9')).toBeUndefined();
  });

  it('refuses what is no range', () => {
    expect(() => newestAllowedVersion(versions, 'latest')).toThrow(
      /chart version "latest" is not a semver version or range/,
    );
  });
});

describe('isNewerChart', () => {
  it('compares versions only', () => {
    expect(isNewerChart('6.6.0', '6.5.0')).toBe(true);
    expect(isNewerChart('6.5.0', '6.5.0')).toBe(false);
    expect(isNewerChart('6.6.0', '6.x')).toBe(false);
    expect(isNewerChart(undefined, '6.5.0')).toBe(false);
  });
});

import { ImagePolicyError } from './ImagePolicyError';
import { parseImagePolicy } from './parseImagePolicy';
import { needsCreationTime, policyAllows } from './policyAllows';
import { PolicyDefinition } from './types';

const allows = (filter: string, tag: string) =>
  policyAllows(parseImagePolicy(filter), tag);

describe('policyAllows', () => {
  it('applies globs to the whole tag', () => {
    expect(allows('glob:dev-*', 'dev-kb9lm91e')).toBe(true);
    expect(allows('glob:dev-*', 'stg-kb9lm91e')).toBe(false);
    expect(allows('glob:dev-*', '0.4.11')).toBe(false);
    expect(allows('dev-*', 'dev-1')).toBe(true);
  });

  it('never allows latest, unless the filter is exactly glob:latest', () => {
    expect(allows('glob:*', 'latest')).toBe(false);
    expect(allows('glob:*', 'LATEST')).toBe(false);
    expect(allows('glob:lat*', 'latest')).toBe(false);
    expect(allows('regex:.*', 'latest')).toBe(false);
    expect(allows('glob:latest', 'latest')).toBe(true);
    expect(allows('latest', 'latest')).toBe(true);
    expect(allows('glob:latest', 'LATEST')).toBe(false);
    expect(
      policyAllows(
        { policy: { kind: 'alphabetical', order: 'asc' } },
        'latest',
      ),
    ).toBe(false);
  });

  it('applies regexes unanchored', () => {
    expect(allows('regex:^v\\d', 'v1.2')).toBe(true);
    expect(allows('regexp:rc', '1.0-rc.1')).toBe(true);
    expect(allows('regexp:^rc', '1.0-rc.1')).toBe(false);
  });

  it('allows versions within a semver range, read leniently', () => {
    expect(allows('semver:~0.4', '0.4.11')).toBe(true);
    expect(allows('semver:~0.4', 'v0.4')).toBe(true);
    expect(allows('semver:~0.4', '0.5.0')).toBe(false);
    expect(allows('semver:~0.4', 'dev-abc')).toBe(false);
    expect(allows('semver:~0.4', '0.4.12-rc.1')).toBe(false);
    expect(allows('semver:*', '3')).toBe(true);
  });

  it('allows only strict versions for Flux v2 semver', () => {
    const def: PolicyDefinition = {
      policy: { kind: 'semver-strict', range: '>=1.0.0' },
    };
    expect(policyAllows(def, 'v1.2.3')).toBe(true);
    expect(policyAllows(def, '1.2')).toBe(false);
  });

  it('admits pre-releases to a Flux v2 range only when the range names one, as Masterminds does', () => {
    const withPre: PolicyDefinition = {
      policy: { kind: 'semver-strict', range: '>=6.0.0-0 <7.0.0' },
    };
    expect(policyAllows(withPre, '6.5.1-rc.1')).toBe(true);
    expect(policyAllows(withPre, '6.5.1')).toBe(true);
    expect(policyAllows(withPre, '7.0.0')).toBe(false);
    // A pre-release of 7.0.0 orders below 7.0.0, so the range holds it.
    expect(policyAllows(withPre, '7.0.0-rc.1')).toBe(true);
    expect(policyAllows(withPre, '5.9.9-rc.1')).toBe(false);
    const without: PolicyDefinition = {
      policy: { kind: 'semver-strict', range: '~6.5.0' },
    };
    expect(policyAllows(without, '6.5.1-rc.1')).toBe(false);
    expect(policyAllows(without, '6.5.1')).toBe(true);
  });

  it('allows only numbers for numerical, and filters first', () => {
    const def: PolicyDefinition = {
      policy: { kind: 'numerical', order: 'asc' },
      filter: { pattern: '^build-(?P<n>\\d+)$', extract: '$n' },
    };
    expect(policyAllows(def, 'build-42')).toBe(true);
    expect(policyAllows(def, 'build-x')).toBe(false);
    expect(policyAllows(def, '42')).toBe(false);
    expect(
      policyAllows({ policy: { kind: 'numerical', order: 'asc' } }, '1.5e3'),
    ).toBe(true);
    expect(
      policyAllows({ policy: { kind: 'numerical', order: 'asc' } }, '0x10'),
    ).toBe(false);
  });

  it('throws for a definition with an invalid range', () => {
    expect(() =>
      policyAllows(
        { policy: { kind: 'semver-strict', range: 'nope' } },
        '1.0.0',
      ),
    ).toThrow(ImagePolicyError);
  });
});

describe('needsCreationTime', () => {
  it('is true only for policies ordered by image creation time', () => {
    expect(needsCreationTime(parseImagePolicy('glob:dev-*'))).toBe(true);
    expect(needsCreationTime(parseImagePolicy('regex:^x'))).toBe(true);
    expect(needsCreationTime(parseImagePolicy('semver:~0.4'))).toBe(false);
    expect(
      needsCreationTime({ policy: { kind: 'semver-strict', range: '*' } }),
    ).toBe(false);
    expect(
      needsCreationTime({ policy: { kind: 'alphabetical', order: 'asc' } }),
    ).toBe(false);
    expect(
      needsCreationTime({ policy: { kind: 'numerical', order: 'desc' } }),
    ).toBe(false);
  });
});

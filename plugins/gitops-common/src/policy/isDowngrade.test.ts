import { ImagePolicyError } from './ImagePolicyError';
import { isDowngrade } from './isDowngrade';
import { parseImagePolicy } from './parseImagePolicy';
import { PolicyDefinition } from './types';

describe('isDowngrade', () => {
  describe('semver', () => {
    const prod = parseImagePolicy('semver:~0.4');

    it('is a downgrade when the new version is lower', () => {
      expect(isDowngrade(prod, '0.4.11', '0.4.10')).toBe(true);
      expect(isDowngrade(prod, '0.4.10', '0.4.11')).toBe(false);
    });

    it('counts a hand-pinned version outside the range', () => {
      expect(isDowngrade(prod, '0.5.0', '0.4.11')).toBe(true);
    });

    it('is not a downgrade between equal versions or from a non-version', () => {
      expect(isDowngrade(prod, '0.4.10', 'v0.4.10')).toBe(false);
      expect(isDowngrade(prod, '0.4', '0.4.0')).toBe(false);
      expect(isDowngrade(prod, '0.4.10', '0.4.10')).toBe(false);
      expect(isDowngrade(prod, 'dev-abc', '0.4.10')).toBe(false);
      expect(isDowngrade(prod, 'latest', '0.4.10')).toBe(false);
    });

    it('reads strict semver for Flux v2', () => {
      const def: PolicyDefinition = {
        policy: { kind: 'semver-strict', range: '*' },
      };
      expect(isDowngrade(def, '1.2.0', '1.1.0')).toBe(true);
      // `1.3` is not strict semver, so there is nothing to compare.
      expect(isDowngrade(def, '1.3', '1.1.0')).toBe(false);
    });
  });

  describe('time-ordered policies', () => {
    const dev = parseImagePolicy('glob:dev-*');
    const candidates = [
      { tag: 'dev-new', createdAt: '2026-01-02T00:00:00Z' },
      { tag: 'dev-old', createdAt: '2026-01-01T00:00:00Z' },
      { tag: 'dev-untimed' },
    ];

    it('is a downgrade when the new image is older', () => {
      expect(isDowngrade(dev, 'dev-new', 'dev-old', candidates)).toBe(true);
      expect(isDowngrade(dev, 'dev-old', 'dev-new', candidates)).toBe(false);
    });

    it('is not a downgrade when either time is unknown', () => {
      expect(isDowngrade(dev, 'dev-new', 'dev-untimed', candidates)).toBe(
        false,
      );
      expect(isDowngrade(dev, 'dev-untimed', 'dev-old', candidates)).toBe(
        false,
      );
      expect(isDowngrade(dev, 'dev-new', 'dev-old')).toBe(false);
      expect(isDowngrade(dev, 'gone', 'dev-old', candidates)).toBe(false);
    });

    it('judges by time whatever the names, including a tag outside the glob', () => {
      expect(
        isDowngrade(dev, 'stg-1', 'dev-old', [
          ...candidates,
          { tag: 'stg-1', createdAt: '2026-06-01T00:00:00Z' },
        ]),
      ).toBe(true);
    });
  });

  describe('alphabetical and numerical', () => {
    it('follows the order direction', () => {
      const asc: PolicyDefinition = {
        policy: { kind: 'alphabetical', order: 'asc' },
      };
      const desc: PolicyDefinition = {
        policy: { kind: 'alphabetical', order: 'desc' },
      };
      expect(isDowngrade(asc, 'b', 'a')).toBe(true);
      expect(isDowngrade(desc, 'b', 'a')).toBe(false);
      expect(isDowngrade(desc, 'a', 'b')).toBe(true);
      const numbers: PolicyDefinition = {
        policy: { kind: 'numerical', order: 'asc' },
      };
      expect(isDowngrade(numbers, '10', '9')).toBe(true);
      expect(isDowngrade(numbers, '9', '10')).toBe(false);
      expect(isDowngrade(numbers, '1.0', '1')).toBe(false);
      expect(isDowngrade(numbers, 'abc', '1')).toBe(false);
    });

    it('compares extracted values, and only for tags that pass the filter', () => {
      const def: PolicyDefinition = {
        policy: { kind: 'numerical', order: 'asc' },
        filter: { pattern: '^main-(?P<n>\\d+)$', extract: '$n' },
      };
      expect(isDowngrade(def, 'main-20', 'main-3')).toBe(true);
      expect(isDowngrade(def, 'main-3', 'main-20')).toBe(false);
      expect(isDowngrade(def, 'hotfix-99', 'main-3')).toBe(false);
    });
  });

  it('throws for an invalid policy', () => {
    expect(() =>
      isDowngrade({ policy: { kind: 'regex', pattern: '(' } }, 'a', 'b'),
    ).toThrow(ImagePolicyError);
  });
});

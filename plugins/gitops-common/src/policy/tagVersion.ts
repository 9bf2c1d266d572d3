import { Range, SemVer } from 'semver';
import { ImagePolicyError } from './ImagePolicyError';
import { assertPatternLength } from './patternLimits';

/**
 * Reading tags as versions and ranges as constraints. Flux uses Masterminds
 * semver (Go); we use the `semver` package, so both its inputs are first
 * brought to the forms `semver` accepts with the same meaning.
 */

/**
 * Masterminds' `NewVersion`: an optional `v`, one to three numeric parts
 * (missing ones are 0), then the usual prerelease and build parts.
 */
const LENIENT_VERSION =
  /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

function parseStrict(text: string): SemVer | undefined {
  try {
    return new SemVer(text);
  } catch {
    return undefined;
  }
}

/**
 * Flux v1: `1.2`, `v1`, `v1.2.3-rc.1` are versions (1.2.0, 1.0.0,
 * 1.2.3-rc.1); `dev-abc`, `latest` and `1.2.3.4` are not. Numeric parts
 * with leading zeros are read as numbers, as Go's ParseUint does; a part
 * too large for an exact JavaScript number makes the tag a non-version.
 */
export function parseLenientVersion(tag: string): SemVer | undefined {
  const match = LENIENT_VERSION.exec(tag);
  if (!match) return undefined;
  const [, major, minor = '0', patch = '0', prerelease, build] = match;
  const numbers = [major, minor, patch].map(Number);
  if (!numbers.every(Number.isSafeInteger)) return undefined;
  return parseStrict(
    `${numbers.join('.')}${prerelease ? `-${prerelease}` : ''}${
      build ? `+${build}` : ''
    }`,
  );
}

/**
 * Flux v2 (`fluxcd/pkg/version`): strict semver after removing one leading
 * `v`; `1.2` and `01.2.3` are not versions.
 */
export function parseStrictVersion(tag: string): SemVer | undefined {
  if (!/^v?\d/.test(tag)) return undefined;
  return parseStrict(tag.startsWith('v') ? tag.slice(1) : tag);
}

/**
 * A Masterminds constraint as a `semver` range. Masterminds joins AND-ed
 * comparators with commas or spaces; `semver` only with spaces. Operators
 * `semver` lacks (such as `!=`) fail here with a clear message rather than
 * being approximated.
 */
export function parseVersionRange(range: string): Range {
  const text = range.trim();
  if (!text) {
    throw new ImagePolicyError('a semver policy needs a range, such as ~1.2');
  }
  assertPatternLength(text, 'semver range');
  try {
    // Split rather than match `\s*,\s*`: a regex retried at every space is quadratic in them.
    const comparators = text.split(',').map(part => part.trim());
    return new Range(comparators.join(' '));
  } catch (error) {
    throw new ImagePolicyError(
      `invalid semver range ${JSON.stringify(range)}: ${
        (error as Error).message
      }`,
    );
  }
}

/**
 * Flux v2's `semver.range`: read as Flux v1's ranges are, except that a
 * range naming a pre-release anywhere (`>=6.0.0-0 <7.0.0`) admits
 * pre-releases of every version in it, as Masterminds semver v3 checks
 * Flux's ranges; without one (`~6.5.0`) pre-releases stay out.
 *
 * @public
 */
export function parseFluxVersionRange(range: string): Range {
  const parsed = parseVersionRange(range);
  // As written, not as `semver` desugars it: `~6.5.0` becomes `<6.6.0-0`.
  // A digit right before `-` is a version's pre-release; a hyphen range
  // (`1.0.0 - 2.0.0`) has spaces around its hyphen.
  const namesPrerelease = /\d-[0-9A-Za-z]/.test(range);
  return namesPrerelease
    ? new Range(parsed.raw, { includePrerelease: true })
    : parsed;
}

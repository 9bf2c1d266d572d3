import { eq, satisfies, valid, validRange } from 'semver';

/** True when git's version is a range (v2's `6.x`, `*`), not one version. */
export function isVersionRange(wanted: string): boolean {
  return valid(wanted, { loose: true }) === null && validRange(wanted) !== null;
}

/**
 * Whether the deployed chart version is what git asks for. v1 and v2 with an
 * exact version must match it; a v2 range is met by any version it allows
 * (which version the source picks needs the chart index, which we do not
 * read). No wanted or no deployed version means nothing to compare.
 */
export function chartVersionMatches(
  wanted: string | undefined,
  deployed: string | undefined,
): boolean {
  if (!wanted || !deployed || wanted === deployed) {
    return true;
  }
  const exact = valid(wanted, { loose: true });
  if (exact !== null) {
    const actual = valid(deployed, { loose: true });
    return actual !== null && eq(exact, actual);
  }
  if (validRange(wanted) !== null) {
    return satisfies(deployed, wanted, { loose: true });
  }
  return false;
}

import semver from 'semver';
import { InputError } from '@backstage/errors';
import {
  GitopsChartStatus,
  parseFluxVersionRange,
} from '@backstage-gitops/plugin-gitops-common';

/**
 * The newest of `versions` that `range` allows, as Flux and Helm pick a
 * chart version (Masterminds constraints: `*`, `6.x`, `>=6, <7`, `~6.5.0`;
 * pre-releases only when the range names one). Versions that are not
 * semver are ignored, as Helm does.
 */
export function newestAllowedVersion(
  versions: Iterable<string>,
  range: string,
): string | undefined {
  let parsed: semver.Range;
  try {
    parsed = parseFluxVersionRange(range);
  } catch (error) {
    throw new InputError(
      `chart version "${range}" is not a semver version or range: ${
        (error as Error).message
      }`,
    );
  }
  let newest: string | undefined;
  for (const version of versions) {
    if (semver.valid(version) === null) continue;
    if (!parsed.test(version)) continue;
    if (newest === undefined || semver.gt(version, newest)) newest = version;
  }
  return newest;
}

/**
 * Whether `latest` is newer than the version a release runs; false when
 * either is not a version (a range written in git is not what runs).
 */
export function isNewerChart(
  latest: string | undefined,
  running: string | undefined,
): boolean {
  if (!latest || !running) return false;
  const a = semver.valid(latest);
  const b = semver.valid(running);
  return a !== null && b !== null && semver.gt(a, b);
}

/**
 * A stored chart status as the API shows it: whether its newest version is
 * newer than what the release runs, Helm's deployed chart version when the
 * cluster told, else the version written in git (a range is not one).
 */
export function chartStatusOf(
  status: GitopsChartStatus,
  running: { deployed?: string; written?: string },
): GitopsChartStatus {
  const { updateAvailable: _stored, ...rest } = status;
  const current = running.deployed ?? running.written;
  return isNewerChart(status.latestVersion, current)
    ? { ...rest, updateAvailable: true }
    : rest;
}

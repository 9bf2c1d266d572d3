import { HelmReleaseStatus, HelmRevision } from '../cluster';
import { chartLabel } from './chartLabel';
import { describeAge } from './describeAge';

/** Past this, a pending operation is taken to be stuck, not slow. */
export const DEFAULT_STUCK_AFTER_MS = 10 * 60 * 1000;

const IN_FLIGHT: ReadonlySet<HelmReleaseStatus> = new Set<HelmReleaseStatus>([
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
  'uninstalling',
]);

/** Helm has started an operation on this revision and not recorded its end. */
export function isInFlight(revision: HelmRevision): boolean {
  return IN_FLIGHT.has(revision.status);
}

/**
 * Says what Helm is doing and for how long. Helm leaves a release pending when
 * the process running it dies; every later operation then fails with "another
 * operation is in progress" until something clears it, so an old one says so
 * and points at the action that unblocks it.
 */
export function describeInFlight(
  revision: HelmRevision,
  now: Date,
  stuckAfterMs: number,
): string {
  const started = revision.lastDeployed
    ? Date.parse(revision.lastDeployed)
    : NaN;
  const age = Number.isNaN(started) ? undefined : now.getTime() - started;
  if (age !== undefined && age >= stuckAfterMs) {
    return `${revision.status} for ${describeAge(
      age,
    )}: another operation is in progress; reconcile to unblock`;
  }
  const what = `${revision.status} of ${chartLabel(revision)} revision ${
    revision.revision
  }`;
  return age === undefined ? what : `${what}, started ${describeAge(age)} ago`;
}

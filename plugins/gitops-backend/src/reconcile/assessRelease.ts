import { HelmRevision } from '../cluster';
import { canSuspend } from '../kernel';
import { chartLabel } from './chartLabel';
import { describeAge } from './describeAge';
import { describeDifferences } from './describeDifferences';
import {
  DEFAULT_STUCK_AFTER_MS,
  describeInFlight,
  isInFlight,
} from './inFlightOperation';
import { readOperatorStatus } from './operatorStatus';
import { releaseDifferences } from './releaseDifferences';
import {
  GitopsReleaseDifference,
  GitopsReleaseState,
} from '@backstage-gitops/plugin-gitops-common';
import { AssessReleaseInput, ReleaseAssessment } from './types';

function newest(history: HelmRevision[]): HelmRevision | undefined {
  let latest: HelmRevision | undefined;
  for (const revision of history) {
    if (!latest || revision.revision > latest.revision) latest = revision;
  }
  return latest;
}

function later(
  a: string | undefined,
  b: string | undefined,
): string | undefined {
  if (!a || !b) return a ?? b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * Compares one release as git describes it with the cluster. The rules, first
 * match wins:
 *
 * 1. Missing: no HelmRelease object in the cluster. (Apply is synchronous,
 *    so no grace period applies.)
 * 2. Progressing: Helm's newest revision is pending-install, pending-upgrade,
 *    pending-rollback or uninstalling. Older than `stuckAfterMs` (10 minutes),
 *    the reason says it is stuck, for how long, and that a reconcile unblocks
 *    it.
 * 3. Progressing: the object's metadata.generation is ahead of
 *    status.observedGeneration: the operator has not acted on the newest spec
 *    yet, so its status (failed or not) describes an older one.
 * 4. Failed: Helm's newest revision is failed (its description is quoted), or
 *    the operator reports failure: a v1 phase ChartFetchFailed, DeployFailed,
 *    TestFailed, Failed, RollbackFailed or RolledBack, or a v2 Ready=False
 *    whose reason names a failure (…Failed, or a remediation such as
 *    RollbackSucceeded) or Stalled=True (the operator's message is quoted).
 * 5. Missing: Helm has no revision of the release, or its newest is
 *    uninstalled, once the grace period after an apply is over; Progressing
 *    within it.
 * 6. When git and the cluster differ: the deployed chart version is not the one
 *    git asks for (a v2 range must merely allow it), the newest revision's
 *    values are not git's values, or the object's spec in the cluster is not
 *    git's spec. Within the grace period after an apply that is Progressing;
 *    so it is while the operator reports work under way (v1 phase Installing,
 *    Upgrading, Testing or RollingBack; v2 Reconciling=True or a waiting
 *    Ready such as DependencyNotReady); otherwise Drifted, saying what differs.
 * 7. Synced otherwise.
 *
 * A suspended Flux v2 HelmRelease (`spec.suspend`) keeps its state; its
 * reason begins by saying that it is suspended.
 *
 * `revision`, `chartVersion` and `deployedAt` describe Helm's newest revision.
 */
export function assessRelease(input: AssessReleaseInput): ReleaseAssessment {
  const { desired, live, now } = input;
  const stuckAfterMs = input.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
  const latest = newest(input.history);
  const appliedMs = input.appliedAt ? Date.parse(input.appliedAt) : NaN;
  const sinceApply = Number.isNaN(appliedMs)
    ? undefined
    : now.getTime() - appliedMs;
  const inGrace = sinceApply !== undefined && sinceApply < input.gracePeriodMs;
  const appliedAgo = describeAge(sinceApply ?? 0);

  const revisionFields = latest
    ? {
        revision: latest.revision,
        ...(latest.chartVersion ? { chartVersion: latest.chartVersion } : {}),
        ...(latest.lastDeployed ? { deployedAt: latest.lastDeployed } : {}),
      }
    : {};
  // helm-controller does not act on a suspended HelmRelease: whatever the
  // state, the reason says so first.
  const suspended =
    !!live && canSuspend(live.apiVersion) && live.spec?.suspend === true;
  const result = (
    state: GitopsReleaseState,
    reason: string,
    differences: GitopsReleaseDifference[],
    since?: string,
  ): ReleaseAssessment => ({
    state,
    reason: suspended
      ? `suspended (spec.suspend), Flux does not act on it; ${reason}`
      : reason,
    differences,
    ...revisionFields,
    ...(since ? { since } : {}),
  });

  // Rule 1.
  if (!live) {
    const leftover = latest
      ? `; Helm still has ${latest.name} revision ${latest.revision} (${latest.status})`
      : '';
    return result('Missing', `HelmRelease not in cluster${leftover}`, []);
  }

  const operator = readOperatorStatus(live);
  const deployed =
    latest && latest.status !== 'uninstalled' ? latest : undefined;
  const found = releaseDifferences(desired, live, deployed);
  const differences = [...found.chart, ...found.values, ...found.spec];

  // Rule 2.
  if (latest && isInFlight(latest)) {
    return result(
      'Progressing',
      describeInFlight(latest, now, stuckAfterMs),
      differences,
      latest.lastDeployed,
    );
  }

  // Rule 3.
  const { generation, observedGeneration } = operator;
  if (
    generation !== undefined &&
    observedGeneration !== undefined &&
    generation > observedGeneration
  ) {
    const waiting =
      sinceApply !== undefined && sinceApply >= stuckAfterMs
        ? `the operator has not acted on generation ${generation} in ${appliedAgo} (it last handled ${observedGeneration}); check that it is running`
        : `waiting for the operator to act on generation ${generation} (it last handled ${observedGeneration})`;
    return result('Progressing', waiting, differences, input.appliedAt);
  }

  // Rule 4.
  if (latest?.status === 'failed' || operator.failure) {
    const parts: string[] = [];
    if (latest?.status === 'failed') {
      const what = `failed ${chartLabel(latest)} revision ${latest.revision}`;
      parts.push(latest.description ? `${what}: ${latest.description}` : what);
    }
    if (operator.failure) parts.push(operator.failure.message);
    const since =
      latest?.status === 'failed'
        ? latest.lastDeployed
        : operator.failure?.since;
    return result('Failed', parts.join('; '), differences, since);
  }

  // Rule 5.
  if (!deployed) {
    if (inGrace) {
      return result(
        'Progressing',
        `applied ${appliedAgo} ago; waiting for Helm to install ${desired.releaseName}`,
        differences,
        input.appliedAt,
      );
    }
    const reason = latest
      ? `Helm release ${desired.releaseName} was uninstalled (revision ${latest.revision})`
      : `HelmRelease is in the cluster but Helm has no release ${desired.releaseName}`;
    return result('Missing', reason, differences, latest?.lastDeployed);
  }

  // Rule 6.
  if (differences.length > 0) {
    const what = describeDifferences(found);
    if (inGrace) {
      return result(
        'Progressing',
        `applied ${appliedAgo} ago; waiting for the operator: ${what}`,
        differences,
        input.appliedAt,
      );
    }
    if (operator.working) {
      return result(
        'Progressing',
        `${operator.working.message}; ${what}`,
        differences,
        operator.working.since ?? input.appliedAt,
      );
    }
    // The drift cannot have begun before the later of the apply and the deploy.
    return result(
      'Drifted',
      what,
      differences,
      later(input.appliedAt, deployed.lastDeployed),
    );
  }

  // Rule 7.
  return result(
    'Synced',
    `${deployed.status} ${chartLabel(deployed)} revision ${deployed.revision}`,
    [],
    deployed.lastDeployed,
  );
}

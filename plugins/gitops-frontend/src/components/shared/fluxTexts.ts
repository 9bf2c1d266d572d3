import {
  GitopsEnvironmentFluxStatus,
  GitopsFluxCondition,
  GitopsFluxReleaseStatus,
} from '@backstage-gitops/plugin-gitops-common';

/** A commit as people read it: its first 7 characters. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

function conditionText(condition: GitopsFluxCondition): string {
  const words = [condition.reason, condition.message].filter(Boolean);
  return words.length > 0
    ? words.join(': ')
    : `${condition.type} ${condition.status}`;
}

/**
 * An environment as Flux applies it, in one line: "git at abc1234, cluster
 * applied 0f4c2e1", then "in sync" when they are one commit, "suspended"
 * when the Kustomization is, and its Ready message when it is not ready.
 * Undefined when there is nothing to say.
 */
export function environmentFluxText(
  status: GitopsEnvironmentFluxStatus | undefined,
): { text: string; warning: boolean } | undefined {
  if (!status) return undefined;
  const kustomization = status.kustomization;
  if (!kustomization) {
    return status.problem ? { text: status.problem, warning: true } : undefined;
  }
  const git = status.gitCommit
    ? `git at ${shortSha(status.gitCommit)}`
    : 'git not synced yet';
  let applied = 'cluster applied nothing yet';
  if (kustomization.appliedCommit) {
    applied = `cluster applied ${shortSha(kustomization.appliedCommit)}`;
  } else if (kustomization.lastAppliedRevision) {
    applied = `cluster applied ${kustomization.lastAppliedRevision}`;
  }
  const notes: string[] = [];
  const inSync =
    !!status.gitCommit &&
    !!kustomization.appliedCommit &&
    status.gitCommit.toLowerCase() ===
      kustomization.appliedCommit.toLowerCase();
  if (inSync) notes.push('in sync');
  if (kustomization.suspended) notes.push('suspended');
  const ready = kustomization.ready;
  const notReady = !!ready && ready.status !== 'True';
  if (notReady) notes.push(conditionText(ready!));
  if (status.problem) notes.push(status.problem);
  return {
    text: [`${git}, ${applied}`, ...notes].join('; '),
    warning: notReady || kustomization.suspended || !!status.problem,
  };
}

/**
 * What helm-controller says of a v2 HelmRelease beyond its state, one line
 * each: the conditions that are not True, and an attempt that is not what
 * is applied.
 */
export function releaseFluxLines(flux: GitopsFluxReleaseStatus): string[] {
  const lines: string[] = [];
  for (const condition of flux.conditions) {
    if (condition.status === 'True' && condition.type !== 'Remediated')
      continue;
    lines.push(
      `${condition.type} ${condition.status}: ${conditionText(condition)}`,
    );
  }
  if (flux.attemptDiffers) {
    lines.push(
      `last attempted ${
        flux.lastAttemptedRevision ?? 'another configuration'
      }, applied ${flux.lastAppliedRevision ?? 'nothing'}`,
    );
  }
  return lines;
}

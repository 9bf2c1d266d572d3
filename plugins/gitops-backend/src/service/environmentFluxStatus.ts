import {
  GitopsEnvironment,
  GitopsRepositoryStatus,
} from '@backstage-gitops/plugin-gitops-common';
import { EnvironmentFluxStatusRecord } from '../database';

/**
 * Environments with what Flux's Kustomization applied next to the commit git
 * sync stored for their repository, for "git at X, cluster applied Y".
 */
export function withFluxStatus(
  environments: GitopsEnvironment[],
  statuses: EnvironmentFluxStatusRecord[],
  repositories: GitopsRepositoryStatus[],
): GitopsEnvironment[] {
  const byEnvironment = new Map(statuses.map(s => [s.environment, s]));
  const commits = new Map(repositories.map(r => [r.id, r.lastCommit]));
  return environments.map(env => {
    const stored = byEnvironment.get(env.name);
    // A status read on another cluster belongs to the environment's old home.
    if (!stored || stored.cluster !== env.cluster) return env;
    const { environment: _environment, ...status } = stored;
    const gitCommit = commits.get(env.repository);
    return {
      ...env,
      fluxStatus: { ...status, ...(gitCommit ? { gitCommit } : {}) },
    };
  });
}

import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';

/**
 * What the scheduled tasks store and the API reads. Routes and tasks depend on
 * this interface only, never on knex.
 */
export interface GitopsStore {
  /** The environments of every repository, in pipeline order. */
  listEnvironments(): Promise<GitopsEnvironment[]>;
}

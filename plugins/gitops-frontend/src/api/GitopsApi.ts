import { createApiRef } from '@backstage/core-plugin-api';
import {
  GitopsEnvironmentList,
  GitopsEventList,
  GitopsEventQuery,
  GitopsHealth,
  GitopsCommitResult,
  GitopsHelmHistory,
  GitopsPromotion,
  GitopsReleaseList,
  GitopsRepositoryStatus,
} from '@backstage-gitops/plugin-gitops-common';

/**
 * Reads what the gitops backend stored. Never reaches git, a registry or a
 * cluster directly.
 *
 * @public
 */
export interface GitopsApi {
  getHealth(): Promise<GitopsHealth>;
  listEnvironments(): Promise<GitopsEnvironmentList>;
  /** The config repositories: URL, branch, last sync and last error. */
  listRepositories(): Promise<{ items: GitopsRepositoryStatus[] }>;
  /** Releases of an entity in every environment, with their problems. */
  listReleases(entityRef: string): Promise<GitopsReleaseList>;
  /**
   * What happened to an entity's releases, newest first: a page of
   * `query.limit` (100 by default), in one environment when asked; pass a
   * page's `next` as `query.before` for the older events.
   */
  listEvents(
    entityRef: string,
    query?: GitopsEventQuery,
  ): Promise<GitopsEventList>;
  /** Helm's history of one release in its cluster, newest revision first. */
  getHelmHistory(release: {
    environment: string;
    namespace: string;
    name: string;
  }): Promise<GitopsHelmHistory>;

  /** Runs the sync of one repository now (permission `gitops.sync`). */
  syncNow(
    repository?: string,
  ): Promise<{ repositories: string[]; requestedBy: string }>;
  /**
   * Gives a release the image its previous stage runs. With `dryRun` nothing
   * is written: the answer is the exact change, for a dialog to show first.
   */
  promote(
    release: ReleaseAction,
    options?: { dryRun?: boolean },
  ): Promise<GitopsPromotion>;
  /** Commits `fluxcd.io/locked` on the release, with the message and who locked it. */
  lock(release: ReleaseAction, message?: string): Promise<GitopsCommitResult>;
  unlock(release: ReleaseAction): Promise<GitopsCommitResult>;
  /** Asks the cluster to reconcile the release now. */
  reconcile(
    release: ReleaseAction,
  ): Promise<{ cluster: string; requestedAt: string; requestedBy: string }>;
}

/**
 * Which release an action is for, and the entity page it was asked from (so
 * that a permission policy can let the entity's owners act).
 *
 * @public
 */
export type ReleaseAction = {
  environment: string;
  namespace: string;
  name: string;
  entityRef?: string;
};

/**
 * @public
 */
export const gitopsApiRef = createApiRef<GitopsApi>({
  id: 'plugin.gitops.service',
});

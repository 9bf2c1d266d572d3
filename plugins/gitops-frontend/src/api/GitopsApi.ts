import { createApiRef } from '@backstage/core-plugin-api';
import {
  GitopsEnvironmentList,
  GitopsEventList,
  GitopsHealth,
  GitopsHelmHistory,
  GitopsReleaseList,
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
  /** Releases of an entity in every environment, with their problems. */
  listReleases(entityRef: string): Promise<GitopsReleaseList>;
  /** What happened to an entity's releases, newest first. */
  listEvents(entityRef: string): Promise<GitopsEventList>;
  /** Helm's history of one release in its cluster, newest revision first. */
  getHelmHistory(release: {
    environment: string;
    namespace: string;
    name: string;
  }): Promise<GitopsHelmHistory>;
}

/**
 * @public
 */
export const gitopsApiRef = createApiRef<GitopsApi>({
  id: 'plugin.gitops.service',
});

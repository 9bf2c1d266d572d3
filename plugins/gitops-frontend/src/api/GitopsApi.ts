import { createApiRef } from '@backstage/core-plugin-api';
import {
  GitopsEnvironmentList,
  GitopsHealth,
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
}

/**
 * @public
 */
export const gitopsApiRef = createApiRef<GitopsApi>({
  id: 'plugin.gitops.service',
});

import {
  AuthService,
  PermissionsRegistryService,
} from '@backstage/backend-plugin-api';
import {
  gitopsPermissions,
  RESOURCE_TYPE_GITOPS_RELEASE,
} from '@backstage-gitops/plugin-gitops-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { isResourcePermission } from '@backstage/plugin-permission-common';
import { SyncStateStore } from '../database';
import { createReleaseResourceLoader } from './releaseResources';
import { gitopsReleaseResourceRef } from './resource';
import { gitopsReleasePermissionRules } from './rules';

export * from './conditions';
export * from './resource';
export * from './rules';

/**
 * Registers the release resource type (its permissions, rules and loader)
 * and the plugin's other permissions.
 */
export function registerGitopsPermissions(options: {
  permissionsRegistry: PermissionsRegistryService;
  syncStateStore: Pick<SyncStateStore, 'getRelease'>;
  catalog: CatalogService;
  auth: AuthService;
}) {
  const { permissionsRegistry, syncStateStore, catalog, auth } = options;
  const isRelease = (permission: (typeof gitopsPermissions)[number]) =>
    isResourcePermission(permission, RESOURCE_TYPE_GITOPS_RELEASE);
  permissionsRegistry.addResourceType({
    resourceRef: gitopsReleaseResourceRef,
    permissions: gitopsPermissions.filter(isRelease),
    rules: Object.values(gitopsReleasePermissionRules),
    getResources: createReleaseResourceLoader({
      syncStateStore,
      catalog,
      auth,
    }),
  });
  permissionsRegistry.addPermissions(
    gitopsPermissions.filter(permission => !isRelease(permission)),
  );
}
export { ActionPrincipals } from './ActionPrincipals';
export { ReleaseOwnerIndex } from './ReleaseOwnerIndex';

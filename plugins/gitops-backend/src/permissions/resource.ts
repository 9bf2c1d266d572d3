import { RESOURCE_TYPE_GITOPS_RELEASE } from '@backstage-gitops/plugin-gitops-common';
import { createPermissionResourceRef } from '@backstage/plugin-permission-node';

/**
 * A release as the permission rules see it, loaded from a resourceRef
 * (`<environment>/<namespace>/<name>[@<entityRef>]`).
 *
 * @public
 */
export type GitopsReleasePermissionResource = {
  environment: string;
  namespace: string;
  name: string;
  /** The catalog entity the request named, when it named one. */
  entityRef?: string;
  /**
   * Full refs of the owners of that entity (`spec.owner` and `ownedBy`
   * relations). Empty without an entity, for an entity the catalog does not
   * know, and for an entity the release does not belong to.
   */
  owners: string[];
};

/**
 * The query form of the release rules. The plugin never filters lists of
 * releases by permission today; the rules still describe their criteria so
 * that such a filter can be written later.
 *
 * @public
 */
export type GitopsReleaseQuery = {
  property: 'environment' | 'owners';
  values: string[];
};

/**
 * The permission resource of gitops releases, owned by the `gitops` plugin.
 *
 * @public
 */
export const gitopsReleaseResourceRef = createPermissionResourceRef<
  GitopsReleasePermissionResource,
  GitopsReleaseQuery
>().with({
  pluginId: 'gitops',
  resourceType: RESOURCE_TYPE_GITOPS_RELEASE,
});

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
  /**
   * The catalog entity the release belongs to, as the config repository
   * says: the HelmRelease's `gitops.backstage.io/entity` annotation, or else
   * the one entity claiming its `backstage.io/kubernetes-id` label. Never
   * the entity a request names, nor one whose own annotations select the
   * release: those are the entity owners' word, not the repository's.
   */
  entityRef?: string;
  /**
   * Full refs of the owners of that entity (`spec.owner` and `ownedBy`
   * relations). Empty when the release names no entity, names one the
   * catalog lacks, or carries a kubernetes-id claimed by no entity or by
   * several.
   */
  owners: string[];
};

/**
 * The query form of the release rules: the lists turn a conditional
 * decision's criteria into a where-clause of the store (`owners` through the
 * owners table the `gitops-release-owners` task keeps).
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

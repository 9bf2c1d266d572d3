import { createPermission } from '@backstage/plugin-permission-common';
import { GitopsReleaseKey, stringifyGitopsReleaseKey } from './releaseKey';

/**
 * The resource type of gitops releases, so that a permission policy can
 * decide per release: per environment, or by the owners of the catalog
 * entity the release belongs to (see the rules of the backend plugin).
 *
 * @public
 */
export const RESOURCE_TYPE_GITOPS_RELEASE = 'gitops-release';

/** A permission checked per release, so that rules can decide on it. */
function releasePermission(name: string, action: 'read' | 'update') {
  return createPermission({
    name,
    attributes: { action },
    resourceType: RESOURCE_TYPE_GITOPS_RELEASE,
  });
}

/**
 * Read a release: its status, history and events.
 *
 * @public
 */
export const gitopsReadPermission = releasePermission(
  'gitops.release.read',
  'read',
);

/**
 * Give a release the image the previous stage runs, in one commit.
 *
 * @public
 */
export const gitopsPromotePermission = releasePermission(
  'gitops.release.promote',
  'update',
);

/**
 * Lock a release against image automation, or unlock it.
 *
 * @public
 */
export const gitopsAutomationUpdatePermission = releasePermission(
  'gitops.release.automation.update',
  'update',
);

/**
 * Ask the cluster to reconcile a release now.
 *
 * @public
 */
export const gitopsReconcilePermission = releasePermission(
  'gitops.release.reconcile',
  'update',
);

/**
 * Fetch the config repositories now instead of waiting for the schedule.
 *
 * @public
 */
export const gitopsSyncPermission = createPermission({
  name: 'gitops.sync',
  attributes: { action: 'update' },
});

/**
 * Confirm a deletion the prune guard holds back for an environment (a large
 * share of its objects, or all of them, at one commit).
 *
 * @public
 */
export const gitopsPruneConfirmPermission = createPermission({
  name: 'gitops.environment.prune.confirm',
  attributes: { action: 'delete' },
});

/**
 * See what the backend's errors say about where it connects: cluster API
 * server addresses, git remotes and registry hosts. Callers without it read
 * a generic message in place of such errors.
 *
 * @public
 */
export const gitopsDiagnosticsReadPermission = createPermission({
  name: 'gitops.diagnostics.read',
  attributes: { action: 'read' },
});

/**
 * Every permission of the gitops plugins, for policies and for the
 * permission integration router.
 *
 * @public
 */
export const gitopsPermissions = [
  gitopsReadPermission,
  gitopsPromotePermission,
  gitopsAutomationUpdatePermission,
  gitopsReconcilePermission,
  gitopsSyncPermission,
  gitopsPruneConfirmPermission,
  gitopsDiagnosticsReadPermission,
];

/**
 * Which release a permission check is about, and, when the request comes
 * from an entity page, which catalog entity it was asked for (policies that
 * let an entity's owners act need it).
 *
 * @public
 */
export type GitopsReleaseResource = GitopsReleaseKey & {
  entityRef?: string;
};

/**
 * The resourceRef of a release in permission checks:
 * `<environment>/<namespace>/<name>`, then `@<entityRef>` when known.
 *
 * @public
 */
export function stringifyGitopsReleaseRef(
  release: GitopsReleaseResource,
): string {
  const ref = stringifyGitopsReleaseKey(release);
  return release.entityRef ? `${ref}@${release.entityRef}` : ref;
}

/**
 * The inverse of {@link stringifyGitopsReleaseRef}; undefined for a ref that
 * is not one.
 *
 * @public
 */
export function parseGitopsReleaseRef(
  ref: string,
): GitopsReleaseResource | undefined {
  const at = ref.indexOf('@');
  const path = at === -1 ? ref : ref.slice(0, at);
  const parts = path.split('/');
  if (parts.length !== 3 || parts.some(part => part === '')) return undefined;
  const [environment, namespace, name] = parts;
  const entityRef = at === -1 ? undefined : ref.slice(at + 1);
  return entityRef
    ? { environment, namespace, name, entityRef }
    : { environment, namespace, name };
}

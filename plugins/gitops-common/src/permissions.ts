import { createPermission } from '@backstage/plugin-permission-common';

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
 * Commit one environment's image tag into the next environment's release.
 *
 * @public
 */
export const gitopsPromotePermission = createPermission({
  name: 'gitops.release.promote',
  attributes: { action: 'update' },
});

/**
 * Lock a release against image automation, or unlock it.
 *
 * @public
 */
export const gitopsLockPermission = createPermission({
  name: 'gitops.release.lock',
  attributes: { action: 'update' },
});

/**
 * Ask the cluster to reconcile a release now.
 *
 * @public
 */
export const gitopsReconcilePermission = createPermission({
  name: 'gitops.release.reconcile',
  attributes: { action: 'update' },
});

/**
 * Every permission of the gitops plugins, for policies and for the
 * permission integration router.
 *
 * @public
 */
export const gitopsPermissions = [
  gitopsSyncPermission,
  gitopsPromotePermission,
  gitopsLockPermission,
  gitopsReconcilePermission,
];

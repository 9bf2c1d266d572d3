import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  gitopsDiagnosticsReadPermission,
  gitopsPruneConfirmPermission,
  gitopsReadPermission,
  gitopsSyncPermission,
  RESOURCE_TYPE_GITOPS_RELEASE,
} from '@backstage-gitops/plugin-gitops-common';
import {
  createGitopsReleaseConditionalDecision,
  gitopsReleaseConditions,
} from '@backstage-gitops/plugin-gitops-backend';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

// By prefix rather than by list, so that a gitops permission added later is
// never mistaken for one outside gitops and allowed.
const isGitopsPermission = (permission: Permission) =>
  permission.name.startsWith('gitops.') ||
  isResourcePermission(permission, RESOURCE_TYPE_GITOPS_RELEASE);

/**
 * The team that owns the config repository in the demo. It alone confirms a
 * deletion the prune guard holds back (a bulk delete is never everyone's
 * call) and reads errors in full, with the cluster, git and registry
 * addresses they may name.
 */
const CONFIG_REPOSITORY_OWNERS = ['group:default/podinfo-team'];

/**
 * The Kubernetes plugin's proxy passes any request to a cluster's API
 * server with the credentials configured for that cluster (in the demo, its
 * service account). The Kubernetes tab reads through the plugin's own
 * routes and needs no proxy, so nobody gets it. Matched by name: the
 * Kubernetes common package is not a dependency of this backend.
 */
const KUBERNETES_PROXY_PERMISSION = 'kubernetes.proxy';

/**
 * The demo's policy: any signed-in user sees every release and may fetch the
 * config repositories; changing a release (promote, lock or unlock
 * automation, reconcile) is for the owners of the catalog entity the release
 * names in the config repository (never one whose own annotations select
 * it). Nobody gets the Kubernetes proxy; everything else outside gitops
 * stays open, as the demo has no other rules to show.
 */
export class DemoPermissionPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (permission.name === KUBERNETES_PROXY_PERMISSION) {
      return { result: AuthorizeResult.DENY };
    }
    if (!isGitopsPermission(permission)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    if (
      isPermission(permission, gitopsReadPermission) ||
      isPermission(permission, gitopsSyncPermission)
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      isPermission(permission, gitopsPruneConfirmPermission) ||
      isPermission(permission, gitopsDiagnosticsReadPermission)
    ) {
      const member = user.info.ownershipEntityRefs.some(ref =>
        CONFIG_REPOSITORY_OWNERS.includes(ref),
      );
      return { result: member ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_GITOPS_RELEASE)) {
      // To keep prod to owners but let anyone act on the stages before it,
      // an adopter can write
      //   { anyOf: [
      //       { not: gitopsReleaseConditions.isInEnvironment({ environments: ['prod'] }) },
      //       gitopsReleaseConditions.isEntityOwner({ claims }),
      //   ] }
      return createGitopsReleaseConditionalDecision(
        permission,
        gitopsReleaseConditions.isEntityOwner({
          claims: user.info.ownershipEntityRefs,
        }),
      );
    }
    // A gitops permission added later stays closed until the policy names it.
    return { result: AuthorizeResult.DENY };
  }
}

/** Installs {@link DemoPermissionPolicy} in the permission backend. */
export const demoPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'demo-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new DemoPermissionPolicy());
      },
    });
  },
});

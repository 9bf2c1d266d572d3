import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  gitopsAutomationUpdatePermission,
  gitopsDiagnosticsReadPermission,
  gitopsPromotePermission,
  gitopsPruneConfirmPermission,
  gitopsReadPermission,
  gitopsReconcilePermission,
  gitopsSyncPermission,
  RESOURCE_TYPE_GITOPS_RELEASE,
} from '@backstage-gitops/plugin-gitops-common';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { DemoPermissionPolicy } from './permissionPolicy';

const guest: PolicyQueryUser = {
  credentials: {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'user', userEntityRef: 'user:default/guest' },
  } as BackstageCredentials<BackstageUserPrincipal>,
  info: {
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/podinfo-team'],
  },
};

describe('DemoPermissionPolicy', () => {
  const policy = new DemoPermissionPolicy();

  it('lets a signed-in user read releases and trigger a sync', async () => {
    for (const permission of [gitopsReadPermission, gitopsSyncPermission]) {
      expect(await policy.handle({ permission }, guest)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it.each([
    gitopsPromotePermission,
    gitopsAutomationUpdatePermission,
    gitopsReconcilePermission,
  ])('leaves $name to the owners of the entity', async permission => {
    expect(await policy.handle({ permission }, guest)).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'gitops',
      resourceType: RESOURCE_TYPE_GITOPS_RELEASE,
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: RESOURCE_TYPE_GITOPS_RELEASE,
        params: {
          claims: ['user:default/guest', 'group:default/podinfo-team'],
        },
      },
    });
  });

  it.each([gitopsPruneConfirmPermission, gitopsDiagnosticsReadPermission])(
    "gives $name to the config repository's team only",
    async permission => {
      expect(await policy.handle({ permission }, guest)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
      const outsider: PolicyQueryUser = {
        ...guest,
        info: {
          userEntityRef: 'user:default/other',
          ownershipEntityRefs: ['user:default/other'],
        },
      };
      expect(await policy.handle({ permission }, outsider)).toEqual({
        result: AuthorizeResult.DENY,
      });
    },
  );

  it('gives nobody the Kubernetes proxy, whose calls run as the cluster service account', async () => {
    const proxy = createPermission({
      name: 'kubernetes.proxy',
      attributes: {},
    });
    expect(await policy.handle({ permission: proxy }, guest)).toEqual({
      result: AuthorizeResult.DENY,
    });
    // The Kubernetes tab reads through these, which stay open.
    for (const name of [
      'kubernetes.clusters.read',
      'kubernetes.resources.read',
    ]) {
      const read = createPermission({ name, attributes: { action: 'read' } });
      expect(await policy.handle({ permission: read }, guest)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('denies gitops permissions without a user', async () => {
    for (const permission of [
      gitopsReadPermission,
      gitopsSyncPermission,
      gitopsPromotePermission,
    ]) {
      expect(await policy.handle({ permission })).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it('keeps gitops permissions it does not name closed, or to owners for releases', async () => {
    const basic = createPermission({
      name: 'gitops.something.new',
      attributes: {},
    });
    expect(await policy.handle({ permission: basic }, guest)).toEqual({
      result: AuthorizeResult.DENY,
    });
    const release = createPermission({
      name: 'gitops.release.rollback',
      attributes: { action: 'update' },
      resourceType: RESOURCE_TYPE_GITOPS_RELEASE,
    });
    expect(await policy.handle({ permission: release }, guest)).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
    });
  });

  it('allows everything outside gitops', async () => {
    const permission = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
      resourceType: 'catalog-entity',
    });
    expect(await policy.handle({ permission }, guest)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});

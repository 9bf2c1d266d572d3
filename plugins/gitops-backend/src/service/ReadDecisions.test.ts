import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { gitopsReadPermission } from '@backstage-gitops/plugin-gitops-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createGitopsReleaseConditionalDecision,
  gitopsReleaseConditions,
} from '../permissions/conditions';
import { ReadDecisions } from './ReadDecisions';

describe('ReadDecisions', () => {
  const alice = mockCredentials.user('user:default/alice');
  const bob = mockCredentials.user('user:default/bob');

  function policy() {
    const authorizeConditional = jest.fn(async () => [
      createGitopsReleaseConditionalDecision(gitopsReadPermission, {
        anyOf: [
          gitopsReleaseConditions.isInEnvironment({ environments: ['dev'] }),
          {
            not: gitopsReleaseConditions.isEntityOwner({
              claims: ['group:default/team'],
            }),
          },
        ],
      }),
    ]);
    const authorize = jest.fn(async () => [{ result: AuthorizeResult.DENY }]);
    return {
      permissions: {
        authorizeConditional,
        authorize,
      } as unknown as PermissionsService,
      authorizeConditional,
    };
  }

  it('turns a conditional decision into the store filter, and keeps it per principal', async () => {
    const { permissions, authorizeConditional } = policy();
    const decisions = new ReadDecisions({ permissions });
    expect(await decisions.decide(alice)).toEqual({
      releases: {
        anyOf: [
          { property: 'environment', values: ['dev'] },
          { not: { property: 'owners', values: ['group:default/team'] } },
        ],
      },
      diagnostics: false,
    });
    await decisions.decide(alice);
    expect(authorizeConditional).toHaveBeenCalledTimes(1);
    await decisions.decide(bob);
    expect(authorizeConditional).toHaveBeenCalledTimes(2);
  });

  it('asks on every request with a cache of 0 seconds', async () => {
    const { permissions, authorizeConditional } = policy();
    const decisions = new ReadDecisions({ permissions, cacheSeconds: 0 });
    await decisions.decide(alice);
    await decisions.decide(alice);
    expect(authorizeConditional).toHaveBeenCalledTimes(2);
  });

  it('answers all or none for definitive decisions, and refuses a rule it does not know', async () => {
    const definitive = (result: AuthorizeResult) =>
      new ReadDecisions({
        permissions: {
          authorizeConditional: async () => [{ result }],
          authorize: async () => [{ result: AuthorizeResult.ALLOW }],
        } as unknown as PermissionsService,
      }).decide(alice);
    expect(await definitive(AuthorizeResult.ALLOW)).toEqual({
      releases: 'all',
      diagnostics: true,
    });
    expect(await definitive(AuthorizeResult.DENY)).toEqual({
      releases: 'none',
      diagnostics: true,
    });
    const foreign = new ReadDecisions({
      permissions: {
        authorizeConditional: async () => [
          {
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'gitops',
            resourceType: 'gitops-release',
            conditions: {
              rule: 'IS_SOMETHING_ELSE',
              resourceType: 'gitops-release',
              params: {},
            },
          },
        ],
        authorize: async () => [{ result: AuthorizeResult.ALLOW }],
      } as unknown as PermissionsService,
    });
    await expect(foreign.decide(alice)).rejects.toThrow(/IS_SOMETHING_ELSE/);
  });
});

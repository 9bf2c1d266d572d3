import { createConditionExports } from '@backstage/plugin-permission-node';
import { gitopsReleaseResourceRef } from './resource';
import { gitopsReleasePermissionRules } from './rules';

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: gitopsReleaseResourceRef,
  rules: gitopsReleasePermissionRules,
});

/**
 * Conditions over gitops releases for permission policies, one per rule:
 * `isInEnvironment({ environments })` and `isEntityOwner({ claims })`.
 *
 * @public
 */
export const gitopsReleaseConditions = conditions;

/**
 * Wraps release conditions into the CONDITIONAL decision a policy returns
 * for a `gitops-release` permission.
 *
 * @public
 */
export const createGitopsReleaseConditionalDecision = createConditionalDecision;

/**
 * The gitops backend plugin for Backstage.
 *
 * @packageDocumentation
 */
export { gitopsPlugin as default } from './plugin';
export {
  createGitopsReleaseConditionalDecision,
  gitopsReleaseConditions,
  gitopsReleasePermissionRules,
  gitopsReleaseResourceRef,
  isEntityOwner,
  isInEnvironment,
} from './permissions';
export type {
  GitopsReleasePermissionResource,
  GitopsReleaseQuery,
} from './permissions';

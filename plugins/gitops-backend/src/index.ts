/**
 * The gitops backend plugin for Backstage.
 *
 * @packageDocumentation
 */
export { gitopsPlugin as default } from './plugin';
/**
 * The events backend's gitops module: the registry notification ingress
 * and Bitbucket Cloud's webhook signature check.
 */
export { gitopsEventsModule } from './events';
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
/**
 * What git sync reads of a kustomize overlay folder at one commit (its
 * resources with their patches merged and namespace applied, and the
 * problems of what it could not or would not read), given a way to read
 * files of that commit. It is not a full kustomize: see the function's own
 * doc comment for what it reads.
 */
export { readKustomizeOverlay } from './manifests';
export type {
  KustomizeOverlay,
  OverlayFileContent,
  OverlayFileReader,
  OverlayProblem,
  OverlayResource,
  ReadOverlayOptions,
} from './manifests';

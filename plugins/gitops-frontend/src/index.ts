/**
 * The gitops frontend plugin: release and environment cards for the catalog
 * entity page, and an activity tab.
 *
 * @packageDocumentation
 */
export {
  gitopsPlugin,
  EntityGitopsReleasesCard,
  EntityGitopsEnvironmentsCard,
  EntityGitopsActivityContent,
} from './plugin';
export { isGitopsAvailable } from './isGitopsAvailable';
export { gitopsApiRef, GitopsClient } from './api';
export type { GitopsApi, ReleaseAction } from './api';

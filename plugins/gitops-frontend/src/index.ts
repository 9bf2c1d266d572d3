/**
 * The gitops frontend plugin: release and environment cards for the catalog
 * entity page.
 *
 * @packageDocumentation
 */
export {
  gitopsPlugin,
  EntityGitopsReleasesCard,
  EntityGitopsEnvironmentsCard,
} from './plugin';
export { isGitopsAvailable } from './isGitopsAvailable';
export { gitopsApiRef, GitopsClient } from './api';
export type { GitopsApi } from './api';

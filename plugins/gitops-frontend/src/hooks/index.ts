export { notifyGitopsChanged, useGitopsGeneration } from './gitopsChanges';
export { useEntityReleases } from './useEntityReleases';
export type { GitopsData } from './useEntityReleases';
export { useEntityEvents } from './useEntityEvents';
export { ACTIVITY_PAGE_SIZE, useEntityActivity } from './useEntityActivity';
export type { EntityActivity } from './useEntityActivity';
export type { EntityEvents } from './useEntityEvents';
export {
  GITOPS_POLL_INTERVAL_MS,
  useGitopsLiveUpdates,
} from './useGitopsLiveUpdates';

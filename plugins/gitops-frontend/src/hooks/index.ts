export { notifyGitopsChanged, useGitopsGeneration } from './gitopsChanges';
export { useEntityReleases } from './useEntityReleases';
export type { GitopsData } from './useEntityReleases';
export { useEntityEvents } from './useEntityEvents';
export type { EntityEvents } from './useEntityEvents';

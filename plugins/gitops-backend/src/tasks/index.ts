/** Wiring the three loops to the scheduler. */
export { scheduleGitopsTasks } from './scheduleGitopsTasks';
export { scheduleReleaseOwners } from './scheduleReleaseOwners';

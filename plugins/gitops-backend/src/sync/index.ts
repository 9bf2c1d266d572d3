/** Git sync: reading each config repository into the sync-state store. */
export { RepositorySync } from './RepositorySync';
export { SyncScheduler } from './SyncScheduler';
export type { SyncTrigger } from './SyncScheduler';

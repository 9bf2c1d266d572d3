/**
 * The five stores (sync state, image status, chart status, cluster state,
 * events), each an interface with its knex implementation, opened together
 * by `createGitopsStores`.
 */
export type {
  AppliedObjectKey,
  AppliedObjectRecord,
  ApplyProblemRecord,
  ClusterStateStore,
  EnvironmentFluxStatusRecord,
  HeldPruneRecord,
  HelmHistoryRecord,
  ReleaseStatusRecord,
} from './ClusterStateStore';
export type {
  EventListQuery,
  EventPosition,
  EventStore,
  NewEvent,
} from './EventStore';
export type { ChartStatusRecord, ChartStatusStore } from './ChartStatusStore';
export type { ImageStatusRecord, ImageStatusStore } from './ImageStatusStore';
export type {
  EnvironmentSource,
  EnvironmentSources,
  FileProblem,
  FluxObjectRecord,
  ReleaseFilter,
  ReleaseLocation,
  ReleaseMatch,
  ReleaseRecord,
  ReleaseRecordImage,
  SyncRecord,
  SyncStateStore,
} from './SyncStateStore';
export type {
  ReleaseLinkSource,
  ReleaseOwnersRecord,
  ReleaseOwnerStore,
} from './ReleaseOwnerStore';
export type { ReadVersionStore } from './ReadVersionStore';
export type { GitopsStores } from './gitopsStores';
export { unstorableReason } from './storableValues';
export { createGitopsStores } from './gitopsStores';
export { DatabaseImageMetadataCache } from './DatabaseImageMetadataCache';

/**
 * Actions people take on releases from Backstage (promote, lock, unlock,
 * reconcile now, confirm a held prune), and the one writer every commit to a
 * config repository goes through.
 */
export { ReleasePromotions } from './ReleasePromotions';
export { ReleaseLocks } from './ReleaseLocks';
export { ReconcileRequests } from './ReconcileRequests';
export { PruneConfirmations } from './PruneConfirmations';
export { RepositoryWriter } from './RepositoryWriter';
export { requesterOf } from './commitMessages';
export type {
  CommitPlan,
  HeadSnapshot,
  PlannedCommit,
  WrittenCommit,
} from './RepositoryWriter';
export { RegistryTagDigests } from './RegistryTagDigests';
export type { ImageRef, TagDigests } from './RegistryTagDigests';
export type { WriterFor } from './writers';
export { brokenFile, describeBrokenFile } from './manifestsAtHead';
export type { BrokenFile } from './manifestsAtHead';

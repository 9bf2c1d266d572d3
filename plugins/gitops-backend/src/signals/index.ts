export { EntityIndex } from './EntityIndex';
export type { EntityIndexOptions } from './EntityIndex';
export { ignoredGitopsChanges } from './GitopsChanges';
export type { GitopsChanges, KnownReleaseState } from './GitopsChanges';
export { GitopsSignals } from './GitopsSignals';
export { observeGitopsStores } from './observedStores';

export type {
  AssessReleaseInput,
  DesiredRelease,
  LiveHelmRelease,
  ReleaseAssessment,
} from './types';
export { assessRelease } from './assessRelease';
export { DEFAULT_STUCK_AFTER_MS } from './inFlightOperation';
export {
  MAX_DIFFERENCES,
  setFieldsDifferences,
  valuesDifferences,
} from './valuesDifferences';
export { ClusterReconciler } from './ClusterReconciler';
export { ReconcileScheduler } from './ReconcileScheduler';
export type { ReconcileTrigger } from './ReconcileScheduler';

/** The plugin's OpenTelemetry metrics: the instruments, and the outcomes requests are counted by. */
export { GITOPS_METRICS, GitopsMetrics, startTimer } from './GitopsMetrics';
export type {
  CommitReason,
  InstrumentSource,
  ReleaseStateCount,
} from './GitopsMetrics';
export { meterClusterApi } from './meterClusterApi';
export { outcomeOfError, outcomeOfStatus } from './requestOutcome';
export type { RequestOutcome } from './requestOutcome';

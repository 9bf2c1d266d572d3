/**
 * What every folder may use and that uses no folder of its own: how an
 * error is told, how many tasks run at once, how a key's runs queue, how a cache stays in its byte
 * budget, how Flux v1 and v2 HelmReleases differ, and which of Flux v2's other kinds we read.
 */
export { approxBytes, ByteBudgetCache, mibToBytes } from './ByteBudgetCache';
export type { ByteBudgetCacheOptions, SizeOf } from './ByteBudgetCache';
export {
  CACHE_BUDGETS_MIB,
  CACHE_NAMES,
  CacheBudgets,
  processCacheBudgets,
} from './CacheBudgets';
export type { CacheFigures, CacheName } from './CacheBudgets';
export {
  memoryLogFields,
  readMemoryReport,
  startMemoryReports,
} from './memoryReport';
export type { MemoryReport } from './memoryReport';
export { errorMessage } from './errorMessage';
export { ImmediateRun } from './ImmediateRun';
export { overriding } from './overriding';
export type { RunWork } from './ImmediateRun';
export { Semaphore } from './Semaphore';
export {
  answersReconcileRequests,
  canSuspend,
  defaultReleaseName,
  FLUX_V1_HELM_API,
  FLUX_V1_HELM_GROUP,
  FLUX_V2_HELM_GROUP,
  FLUX_V2_HELM_VERSIONS,
  fluxGenerationOf,
  helmStorageNamespace,
  readHelmReleaseApiVersion,
} from './fluxHelmRelease';
export type { HelmReleaseApiVersion } from './fluxHelmRelease';
export {
  FLUX_IMAGE_GROUP,
  FLUX_KUSTOMIZE_GROUP,
  FLUX_OBJECT_GROUPS,
  FLUX_SOURCE_GROUP,
  fluxVersionsOf,
  readFluxObjectType,
} from './fluxKinds';
export type { FluxObjectKind, FluxObjectType } from './fluxKinds';

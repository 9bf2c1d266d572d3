/**
 * Where Flux v2 charts come from and which newer versions exist: chart
 * sources resolved against the repository's Flux objects (this repository's
 * GitRepository, HelmRepository, HelmChart and OCIRepository), Helm
 * repository indexes over http(s) and OCI charts through the registry
 * client, and the per-repository chart scan that stores the newest version
 * each release's range allows.
 */
export { ChartUpdates } from './ChartUpdates';
export type { ChartUpdatesOutcome } from './ChartUpdates';
export { chartNameFromPath, resolveChartSource } from './chartSource';
export type { ChartSource } from './chartSource';
export {
  chartStatusOf,
  isNewerChart,
  newestAllowedVersion,
} from './chartVersions';
export { CHART_SOURCE_KINDS, FluxSources } from './fluxSources';
export type { FluxSourceObject } from './fluxSources';
export { normalizeGitUrl, sameGitRepository } from './gitUrl';
export { DEFAULT_HELM_INDEX_LIMITS, HelmIndexClient } from './HelmIndexClient';
export type { HelmIndex, HelmIndexLimits } from './HelmIndexClient';
export { OciChartClient } from './OciChartClient';

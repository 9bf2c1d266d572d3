/**
 * Parsing the config repository: HelmReleases (Flux v1 and v2), Namespaces
 * and every other manifest, the images in release values and the
 * automation annotations around them, plus the chart checks git sync needs.
 */
export type {
  ChartMetadata,
  GenericManifest,
  HelmReleaseApiVersion,
  HelmReleaseManifest,
  ImagePolicy,
  ImagePolicyRef,
  ImageReference,
  ImageShape,
  ImageValuePaths,
  ManifestError,
  ManifestLimits,
  ManifestSource,
  NamespaceManifest,
  ParsedManifestFile,
} from './types';
export { MANIFEST_LIMITS } from './limits';
export { KUBERNETES_YAML_OPTIONS } from './kubernetesYaml';
export { parseManifestFile } from './parseManifestFile';
export { readFluxAnnotations } from './fluxAnnotations';
export { isManifestPath } from './manifestPath';
export { parseChartYaml } from './chartYaml';
export { checkChartPath, normalizeChartPath } from './chartPath';
export type { ChartPathCheck } from './chartPath';
export { stringValue, tagValue } from './valueNodes';
export {
  KUSTOMIZATION_FILE_NAMES,
  ParsedFileCache,
  readKustomizeOverlay,
} from './kustomizeOverlay';
export type {
  KustomizeOverlay,
  OverlayFileContent,
  OverlayFileReader,
  OverlayProblem,
  OverlayResource,
  ReadOverlayOptions,
} from './kustomizeOverlay';
export { readOverlayManifests } from './overlayResources';
export type { OverlayHelmRelease, OverlayManifests } from './overlayResources';
export { folderOf, isWithin, resolveRepositoryPath } from './repositoryPaths';
export { findMarkedValues } from './setterMarkers';
export type { MarkedValue } from './setterMarkers';
export {
  isUnderUpdatePath,
  readImagePolicy,
  readImageRepository,
  readImageUpdateAutomation,
} from './fluxImageObjects';
export type {
  FluxImagePolicy,
  FluxImageRepository,
  FluxImageUpdateAutomation,
  FluxObjectReading,
  FluxObjectSource,
} from './fluxImageObjects';

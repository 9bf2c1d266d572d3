export { ImageScanner } from './ImageScanner';
export type { ImageScannerOptions, ImageScanResult } from './ImageScanner';
export type { ImageMetadataCache, TagMetadata } from './ImageMetadataCache';
export type { RegistryConfig } from './RegistryConfig';
export type { RegistryStats } from './RegistryClient';
export {
  readRegistriesConfig,
  readRegistryPolicy,
} from './readRegistriesConfig';
export {
  DEFAULT_REGISTRY_POLICY,
  PUBLIC_REGISTRY_HOSTS,
  RegistryHosts,
} from './RegistryHosts';
export type { RegistryPolicy } from './RegistryHosts';
export { isTag } from './manifest';
export { RegistryClient } from './RegistryClient';
export { readLimitedBody } from './readLimitedBody';

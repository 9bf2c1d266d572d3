export { ImageScanner } from './ImageScanner';
export type { ImageScannerOptions, ImageScanResult } from './ImageScanner';
export type { ImageMetadataCache, TagMetadata } from './ImageMetadataCache';
export { InMemoryImageMetadataCache } from './InMemoryImageMetadataCache';
export type { RegistryConfig } from './RegistryConfig';
export type { RegistryStats } from './RegistryClient';
export { readRegistriesConfig } from './readRegistriesConfig';

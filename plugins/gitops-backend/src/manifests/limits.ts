import { ManifestLimits } from './types';

/**
 * Bounds on what one file may cost to parse. The config repository is
 * written by many people and fetched by a scheduled task, so a single file
 * must not be able to exhaust the backend's memory or time.
 */
export const MANIFEST_LIMITS: Readonly<ManifestLimits> = Object.freeze({
  maxFileBytes: 1024 * 1024,
  // Resolutions of YAML aliases per document; a handful is normal, a
  // "billion laughs" file needs exponentially many.
  maxAliasCount: 100,
  maxDocuments: 100,
});

/** The defaults with the caller's overrides; undefined overrides keep the default. */
export function resolveLimits(
  overrides: Partial<ManifestLimits> = {},
): ManifestLimits {
  return {
    maxFileBytes: overrides.maxFileBytes ?? MANIFEST_LIMITS.maxFileBytes,
    maxAliasCount: overrides.maxAliasCount ?? MANIFEST_LIMITS.maxAliasCount,
    maxDocuments: overrides.maxDocuments ?? MANIFEST_LIMITS.maxDocuments,
  };
}

import { RegistryResponseError } from './RegistryResponseError';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList:
    'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

/** Accept header for manifests: single images and multi-platform lists, Docker and OCI. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
].join(', ');

const INDEX_TYPES = new Set<string>([
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.ociIndex,
]);
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export type IndexEntry = {
  digest: string;
  platform?: { os?: string; architecture?: string };
};

export type ParsedManifest =
  | { kind: 'index'; entries: IndexEntry[] }
  | { kind: 'image'; configDigest: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Whether `value` is a tag as the distribution spec allows one. */
export function isTag(value: string): boolean {
  return TAG.test(value);
}

/** Whether `value` is a digest as the distribution spec writes one (`algorithm:hex`). */
export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 256 && DIGEST.test(value);
}

/**
 * Classifies a manifest: a list/index of per-platform manifests, or an image
 * whose config blob holds `created`. Anything else (schema 1, an artifact
 * without config) is an error for the image.
 */
export function parseManifest(
  json: unknown,
  contentType: string | null,
): ParsedManifest {
  if (!isRecord(json)) {
    throw new RegistryResponseError('manifest is not a JSON object');
  }
  const headerType = contentType?.split(';')[0].trim().toLowerCase();
  const mediaType =
    typeof json.mediaType === 'string' ? json.mediaType : headerType;
  if (
    (mediaType !== undefined && INDEX_TYPES.has(mediaType)) ||
    (json.config === undefined && Array.isArray(json.manifests))
  ) {
    const manifests = json.manifests;
    if (!Array.isArray(manifests) || manifests.length === 0) {
      throw new RegistryResponseError(
        `manifest list (${mediaType}) has no manifests`,
      );
    }
    const entries = manifests.map((entry, index): IndexEntry => {
      if (!isRecord(entry) || !isDigest(entry.digest)) {
        throw new RegistryResponseError(
          `manifest list entry ${index} has no valid digest`,
        );
      }
      const platform = isRecord(entry.platform) ? entry.platform : undefined;
      return {
        digest: entry.digest,
        platform: platform && {
          os: typeof platform.os === 'string' ? platform.os : undefined,
          architecture:
            typeof platform.architecture === 'string'
              ? platform.architecture
              : undefined,
        },
      };
    });
    return { kind: 'index', entries };
  }
  const config = json.config;
  if (!isRecord(config)) {
    throw new RegistryResponseError(
      `manifest has no config (media type ${mediaType ?? 'unknown'}${
        json.schemaVersion === 1 ? ', schema 1 is not supported' : ''
      })`,
    );
  }
  if (!isDigest(config.digest)) {
    throw new RegistryResponseError('manifest config has no valid digest');
  }
  return { kind: 'image', configDigest: config.digest };
}

/**
 * The entry of a multi-platform list that stands for the image: linux/amd64,
 * else the first real platform (build attestations are listed as
 * unknown/unknown), else the first entry.
 */
export function pickPlatformEntry(entries: IndexEntry[]): IndexEntry {
  return (
    entries.find(
      e => e.platform?.os === 'linux' && e.platform.architecture === 'amd64',
    ) ??
    entries.find(
      e =>
        e.platform?.os !== 'unknown' && e.platform?.architecture !== 'unknown',
    ) ??
    entries[0]
  );
}

/**
 * The `created` time of an image config blob as ISO 8601 (normalised to
 * milliseconds, UTC); undefined when absent or unreadable, as for
 * reproducible builds or non-image artifacts.
 */
export function readCreatedAt(config: unknown): string | undefined {
  if (!isRecord(config) || typeof config.created !== 'string') {
    return undefined;
  }
  const time = Date.parse(config.created);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

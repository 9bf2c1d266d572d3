import { gunzipSync, gzipSync } from 'node:zlib';
import { JsonObject } from '../jsonValue';

/** How Helm 3 stores a release revision in a Secret (its `secrets` storage driver). */
export const HELM_RELEASE_SECRET_TYPE = 'helm.sh/release.v1';
export const HELM_RELEASE_SECRET_PREFIX = 'sh.helm.release.v1.';
export const HELM_RELEASE_DATA_KEY = 'release';
export const HELM_OWNER_LABEL_VALUE = 'helm';

export type HelmReleaseStatus =
  | 'unknown'
  | 'deployed'
  | 'uninstalled'
  | 'superseded'
  | 'failed'
  | 'uninstalling'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback';

/** The release JSON Helm writes, with the fields this product reads. */
export type HelmReleaseRecord = {
  name: string;
  info: {
    first_deployed: string;
    last_deployed: string;
    deleted: string;
    description: string;
    status: HelmReleaseStatus;
    notes?: string;
  };
  chart: {
    metadata: {
      name: string;
      version: string;
      appVersion?: string;
      apiVersion?: string;
      description?: string;
    };
    values?: JsonObject;
    templates?: unknown[];
  };
  config: JsonObject;
  manifest: string;
  version: number;
  namespace: string;
};

/** `sh.helm.release.v1.<release>.v<revision>` */
export function helmReleaseSecretName(
  release: string,
  revision: number,
): string {
  return `${HELM_RELEASE_SECRET_PREFIX}${release}.v${revision}`;
}

/**
 * Helm's own encoding of a release: base64 of gzip of the JSON. This is the
 * value Helm hands the API server as Secret data, which the API then
 * base64-encodes once more on the wire (see {@link buildHelmReleaseSecret}).
 */
export function encodeHelmRelease(release: HelmReleaseRecord): string {
  return gzipSync(Buffer.from(JSON.stringify(release), 'utf8')).toString(
    'base64',
  );
}

/**
 * The inverse of {@link encodeHelmRelease}; input that is not gzip (old
 * Helm versions stored plain JSON) is read as JSON directly.
 */
export function decodeHelmRelease(encoded: string): HelmReleaseRecord {
  const bytes = Buffer.from(encoded, 'base64');
  const gzipped =
    bytes.length > 2 &&
    bytes[0] === 0x1f &&
    bytes[1] === 0x8b &&
    bytes[2] === 0x08;
  return JSON.parse(
    (gzipped ? gunzipSync(bytes) : bytes).toString('utf8'),
  ) as HelmReleaseRecord;
}

/** Reads `data.release` as a client receives it from the API: decode twice, then gunzip. */
export function decodeHelmReleaseSecretData(
  dataRelease: string,
): HelmReleaseRecord {
  return decodeHelmRelease(Buffer.from(dataRelease, 'base64').toString('utf8'));
}

/**
 * The Secret Helm writes for a revision, as the API stores and serves it:
 * `data.release` is base64 of {@link encodeHelmRelease}'s output. Labels are
 * Helm's own; `createdAt`/`modifiedAt` are Unix seconds, as Helm sets them.
 */
export function buildHelmReleaseSecret(
  release: HelmReleaseRecord,
  times: { createdAt?: Date; modifiedAt?: Date } = {},
): JsonObject {
  const labels: JsonObject = {
    name: release.name,
    owner: HELM_OWNER_LABEL_VALUE,
    status: release.info.status,
    version: String(release.version),
  };
  if (times.createdAt)
    labels.createdAt = String(Math.floor(times.createdAt.getTime() / 1000));
  if (times.modifiedAt)
    labels.modifiedAt = String(Math.floor(times.modifiedAt.getTime() / 1000));
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: helmReleaseSecretName(release.name, release.version),
      namespace: release.namespace,
      labels,
    },
    type: HELM_RELEASE_SECRET_TYPE,
    data: {
      [HELM_RELEASE_DATA_KEY]: Buffer.from(
        encodeHelmRelease(release),
        'utf8',
      ).toString('base64'),
    },
  };
}

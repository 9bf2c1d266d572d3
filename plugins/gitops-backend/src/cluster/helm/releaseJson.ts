import { HelmReleaseStatus, HelmRevision } from './types';

const STATUSES: ReadonlySet<string> = new Set<HelmReleaseStatus>([
  'unknown',
  'deployed',
  'uninstalled',
  'superseded',
  'failed',
  'uninstalling',
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
]);

// Revisions whose values are never compared with git: Helm marks every
// revision but the newest superseded, and an uninstalled release runs nothing.
const NEVER_COMPARED: ReadonlySet<HelmReleaseStatus> =
  new Set<HelmReleaseStatus>(['superseded', 'uninstalled']);

/** Thrown with a fixed text that never quotes the release. */
export class ReleaseJsonError extends Error {}

/** What the Secret itself says, used where the JSON is silent. */
export type ReleaseSecretFacts = {
  namespace?: string;
  labels?: Record<string, string>;
};

function mapping(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// Go marshals an unset time.Time as year 1; that means "never", not a date.
function isoTime(value: unknown): string | undefined {
  const raw = text(value);
  if (!raw || raw.startsWith('0001-01-01')) {
    return undefined;
  }
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function revisionOf(json: unknown, label: string | undefined): number {
  if (typeof json === 'number' && Number.isInteger(json) && json > 0) {
    return json;
  }
  if (label !== undefined && /^[1-9]\d*$/.test(label)) {
    return Number(label);
  }
  throw new ReleaseJsonError('has no revision number');
}

/** A Helm release status as Helm names it; anything else is `unknown`. */
export function helmStatusOf(value: unknown): HelmReleaseStatus {
  return typeof value === 'string' && STATUSES.has(value)
    ? (value as HelmReleaseStatus)
    : 'unknown';
}

/**
 * Reads the fields `helm history` shows from Helm's release JSON. Helm 3
 * writes name, namespace and version into the JSON and copies name, status
 * and version into the Secret's labels; the JSON wins, the Secret fills gaps.
 */
export function parseReleaseJson(
  jsonText: string,
  secret: ReleaseSecretFacts,
): HelmRevision {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText);
  } catch {
    // JSON.parse's own message quotes the input, so it is dropped on purpose.
    throw new ReleaseJsonError('does not hold valid JSON');
  }
  const release = mapping(parsed);
  if (!release) {
    throw new ReleaseJsonError('does not hold a JSON object');
  }
  const labels = secret.labels ?? {};
  const info = mapping(release.info) ?? {};
  const chartMetadata = mapping(mapping(release.chart)?.metadata) ?? {};

  const name = text(release.name) ?? text(labels.name);
  if (!name) {
    throw new ReleaseJsonError('has no release name');
  }
  const namespace = text(release.namespace) ?? text(secret.namespace);
  if (!namespace) {
    throw new ReleaseJsonError('has no namespace');
  }
  // Helm omits an empty `config`; anything else but a mapping is corrupt.
  const config = release.config ?? {};
  const values = mapping(config);
  if (!values) {
    throw new ReleaseJsonError('has a config that is not a mapping');
  }

  const status = helmStatusOf(info.status ?? labels.status);
  const optional = {
    chartName: text(chartMetadata.name),
    chartVersion: text(chartMetadata.version),
    appVersion: text(chartMetadata.appVersion),
    description: text(info.description),
    firstDeployed: isoTime(info.first_deployed),
    lastDeployed: isoTime(info.last_deployed),
  };
  return {
    name,
    namespace,
    revision: revisionOf(release.version, labels.version),
    status,
    ...Object.fromEntries(
      Object.entries(optional).filter(([, value]) => value !== undefined),
    ),
    ...(NEVER_COMPARED.has(status) ? {} : { values }),
  };
}

/**
 * How Flux v1's Helm Operator and Flux v2's helm-controller treat a
 * HelmRelease differently: their API groups and versions, the release name
 * each computes, where Helm stores the release, whether it can be suspended
 * or asked to reconcile. Every other module asks here instead of comparing
 * apiVersion strings.
 */
import { createHash } from 'node:crypto';

export const FLUX_V1_HELM_GROUP = 'helm.fluxcd.io';
export const FLUX_V2_HELM_GROUP = 'helm.toolkit.fluxcd.io';

/** The apiVersion a parsed HelmRelease reports: v2beta1 and v2beta2 read as v2. */
export type HelmReleaseApiVersion =
  | `${typeof FLUX_V1_HELM_GROUP}/v1`
  | `${typeof FLUX_V2_HELM_GROUP}/v2`;

/** The Helm Operator (Flux v1) serves one version, read as is. */
export const FLUX_V1_HELM_API = {
  group: FLUX_V1_HELM_GROUP,
  version: 'v1',
} as const;

/**
 * helm-controller's versions we read, newest first; a cluster is asked
 * through discovery which of them it serves.
 */
export const FLUX_V2_HELM_VERSIONS: readonly string[] = [
  'v2',
  'v2beta2',
  'v2beta1',
];

/** Groups whose HelmReleases we would be expected to understand. */
const FLUX_HELM_GROUPS = [
  FLUX_V1_HELM_GROUP,
  FLUX_V2_HELM_GROUP,
  'flux.weave.works',
];

const groupOf = (apiVersion: string) => apiVersion.split('/')[0];

/** Which operator owns a HelmRelease of this apiVersion, if it is Flux's. */
export function fluxGenerationOf(apiVersion: string): 'v1' | 'v2' | undefined {
  const group = groupOf(apiVersion);
  if (group === FLUX_V1_HELM_GROUP) return 'v1';
  if (group === FLUX_V2_HELM_GROUP) return 'v2';
  return undefined;
}

/**
 * The version a written HelmRelease apiVersion is read as: v1 exactly, or
 * any served v2. `unsupported` is a Flux group at a version we cannot read;
 * `other` belongs to someone else.
 */
export function readHelmReleaseApiVersion(
  apiVersion: string,
): HelmReleaseApiVersion | 'unsupported' | 'other' {
  const [group, version] = apiVersion.split('/');
  if (group === FLUX_V1_HELM_GROUP && version === 'v1') {
    return `${FLUX_V1_HELM_GROUP}/v1`;
  }
  if (group === FLUX_V2_HELM_GROUP && FLUX_V2_HELM_VERSIONS.includes(version)) {
    return `${FLUX_V2_HELM_GROUP}/v2`;
  }
  return FLUX_HELM_GROUPS.includes(group) && version !== undefined
    ? 'unsupported'
    : 'other';
}

/** Only helm-controller (v2) honours `spec.suspend`. */
export function canSuspend(apiVersion: string): boolean {
  return fluxGenerationOf(apiVersion) === 'v2';
}

/** Only helm-controller (v2) answers `reconcile.fluxcd.io/requestedAt`. */
export function answersReconcileRequests(apiVersion: string): boolean {
  return fluxGenerationOf(apiVersion) === 'v2';
}

const pick = (value: unknown) =>
  typeof value === 'string' && value ? value : undefined;

/**
 * Where Helm keeps the release's Secrets: the Helm Operator installs into
 * `spec.targetNamespace`; helm-controller stores in `spec.storageNamespace`;
 * both default to the HelmRelease's own namespace.
 */
export function helmStorageNamespace(release: {
  apiVersion: string;
  namespace: string;
  spec: Record<string, unknown>;
}): string {
  const { spec } = release;
  return fluxGenerationOf(release.apiVersion) === 'v1'
    ? pick(spec.targetNamespace) ?? release.namespace
    : pick(spec.storageNamespace) ?? release.namespace;
}

/** The release name the operator computes when `spec.releaseName` is unset. */
export function defaultReleaseName(
  apiVersion: HelmReleaseApiVersion,
  options: { name: string; namespace: string; targetNamespace?: string },
): string {
  return fluxGenerationOf(apiVersion) === 'v1'
    ? defaultV1ReleaseName(options)
    : defaultV2ReleaseName(options);
}

/** Helm refuses release names longer than this. */
const HELM_RELEASE_NAME_LIMIT = 53;

/**
 * helm-operator (helm.fluxcd.io/v1): `<namespace>-<name>`, with the target
 * namespace in between when the release is installed into another namespace.
 */
function defaultV1ReleaseName(options: {
  name: string;
  namespace: string;
  targetNamespace?: string;
}): string {
  const { name, namespace, targetNamespace } = options;
  const target = targetNamespace || namespace;
  return target !== namespace
    ? `${namespace}-${target}-${name}`
    : `${namespace}-${name}`;
}

/**
 * helm-controller (helm.toolkit.fluxcd.io/v2): `[<targetNamespace>-]<name>`,
 * and when that is too long for Helm, its first 40 characters, a dash and
 * the first 12 hex digits of its SHA-256.
 */
function defaultV2ReleaseName(options: {
  name: string;
  targetNamespace?: string;
}): string {
  const { name, targetNamespace } = options;
  const full = targetNamespace ? `${targetNamespace}-${name}` : name;
  if (full.length <= HELM_RELEASE_NAME_LIMIT) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 12);
  return `${full.slice(0, HELM_RELEASE_NAME_LIMIT - hash.length - 1)}-${hash}`;
}

/**
 * Flux v2's other API groups (image automation, kustomize, sources): which
 * kinds each serves and at which versions, newest first. Repository files
 * may be written at any served version; clusters are asked through
 * discovery, so these lists only say what we know how to read.
 */

export const FLUX_IMAGE_GROUP = 'image.toolkit.fluxcd.io';
export const FLUX_KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';
export const FLUX_SOURCE_GROUP = 'source.toolkit.fluxcd.io';

export type FluxObjectKind =
  | 'ImageRepository'
  | 'ImagePolicy'
  | 'ImageUpdateAutomation'
  | 'Kustomization'
  | 'GitRepository'
  | 'HelmRepository'
  | 'OCIRepository'
  | 'HelmChart';

type FluxGroupKinds = {
  group: string;
  /** Newest first: the order to prefer when a cluster serves several. */
  versions: readonly string[];
  kinds: readonly FluxObjectKind[];
};

export const FLUX_OBJECT_GROUPS: readonly FluxGroupKinds[] = [
  {
    group: FLUX_IMAGE_GROUP,
    versions: ['v1', 'v1beta2', 'v1beta1'],
    kinds: ['ImageRepository', 'ImagePolicy', 'ImageUpdateAutomation'],
  },
  {
    group: FLUX_KUSTOMIZE_GROUP,
    versions: ['v1', 'v1beta2', 'v1beta1'],
    kinds: ['Kustomization'],
  },
  {
    group: FLUX_SOURCE_GROUP,
    versions: ['v1', 'v1beta2', 'v1beta1'],
    kinds: ['GitRepository', 'HelmRepository', 'OCIRepository', 'HelmChart'],
  },
];

export type FluxObjectType = {
  group: string;
  version: string;
  kind: FluxObjectKind;
};

/**
 * The Flux kind a manifest's `apiVersion` and `kind` name, when it is one we
 * read at a version Flux serves; undefined for anything else (kustomize's
 * own `kustomize.config.k8s.io` Kustomization among them).
 */
export function readFluxObjectType(
  apiVersion: string,
  kind: string,
): FluxObjectType | undefined {
  const [group, version, extra] = apiVersion.split('/');
  if (extra !== undefined || !version) return undefined;
  const known = FLUX_OBJECT_GROUPS.find(g => g.group === group);
  if (!known || !known.versions.includes(version)) return undefined;
  const fluxKind = known.kinds.find(k => k === kind);
  return fluxKind ? { group, version, kind: fluxKind } : undefined;
}

/** The served versions of a Flux kind we read, newest first. */
export function fluxVersionsOf(kind: FluxObjectKind): {
  group: string;
  versions: readonly string[];
} {
  const known = FLUX_OBJECT_GROUPS.find(g => g.kinds.includes(kind))!;
  return { group: known.group, versions: known.versions };
}

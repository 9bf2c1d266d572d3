import { createHash } from 'node:crypto';

/** Helm refuses release names longer than this. */
const HELM_RELEASE_NAME_LIMIT = 53;

/**
 * helm-operator (helm.fluxcd.io/v1): `<namespace>-<name>`, with the target
 * namespace in between when the release is installed into another namespace.
 */
export function defaultV1ReleaseName(options: {
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
export function defaultV2ReleaseName(options: {
  name: string;
  targetNamespace?: string;
}): string {
  const { name, targetNamespace } = options;
  const full = targetNamespace ? `${targetNamespace}-${name}` : name;
  if (full.length <= HELM_RELEASE_NAME_LIMIT) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 12);
  return `${full.slice(0, HELM_RELEASE_NAME_LIMIT - hash.length - 1)}-${hash}`;
}

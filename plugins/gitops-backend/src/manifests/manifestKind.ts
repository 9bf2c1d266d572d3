import { InvalidFieldError } from './fieldValidation';
import { HelmReleaseApiVersion } from './types';

export type ManifestKind =
  | { kind: 'helm-release'; apiVersion: HelmReleaseApiVersion }
  | { kind: 'namespace' }
  | { kind: 'other' };

const V2_VERSIONS = new Set([
  'helm.toolkit.fluxcd.io/v2',
  'helm.toolkit.fluxcd.io/v2beta1',
  'helm.toolkit.fluxcd.io/v2beta2',
]);

/** API groups whose HelmReleases we would be expected to understand. */
const FLUX_HELM_GROUPS = [
  'helm.fluxcd.io/',
  'helm.toolkit.fluxcd.io/',
  'flux.weave.works/',
];

/**
 * Which reader a document needs. A Flux HelmRelease version we cannot read
 * is an error rather than an opaque object, so that nobody believes it is
 * tracked; HelmReleases of other groups are someone else's and left alone.
 */
export function classifyManifest(
  apiVersion: string,
  kind: string,
): ManifestKind {
  if (kind === 'HelmRelease') {
    if (apiVersion === 'helm.fluxcd.io/v1') {
      return { kind: 'helm-release', apiVersion: 'helm.fluxcd.io/v1' };
    }
    if (V2_VERSIONS.has(apiVersion)) {
      return { kind: 'helm-release', apiVersion: 'helm.toolkit.fluxcd.io/v2' };
    }
    if (FLUX_HELM_GROUPS.some(group => apiVersion.startsWith(group))) {
      throw new InvalidFieldError(
        ['apiVersion'],
        `HelmRelease apiVersion ${apiVersion} is not supported (use helm.fluxcd.io/v1 or helm.toolkit.fluxcd.io/v2)`,
      );
    }
  }
  if (kind === 'Namespace' && apiVersion === 'v1') return { kind: 'namespace' };
  return { kind: 'other' };
}

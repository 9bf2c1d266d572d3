import { InvalidFieldError } from './fieldValidation';
import { HelmReleaseApiVersion, readHelmReleaseApiVersion } from '../kernel';

export type ManifestKind =
  | { kind: 'helm-release'; apiVersion: HelmReleaseApiVersion }
  | { kind: 'namespace' }
  | { kind: 'other' };

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
    const read = readHelmReleaseApiVersion(apiVersion);
    if (read === 'unsupported') {
      throw new InvalidFieldError(
        ['apiVersion'],
        `HelmRelease apiVersion ${apiVersion} is not supported (use helm.fluxcd.io/v1 or helm.toolkit.fluxcd.io/v2)`,
      );
    }
    if (read !== 'other') return { kind: 'helm-release', apiVersion: read };
  }
  if (kind === 'Namespace' && apiVersion === 'v1') return { kind: 'namespace' };
  return { kind: 'other' };
}

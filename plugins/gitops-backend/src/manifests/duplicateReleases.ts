import { HelmReleaseManifest, ManifestError } from './types';

function describe(release: HelmReleaseManifest): string {
  return `${release.source.path} (document ${release.source.document}, line ${release.source.line})`;
}

function bySource(a: HelmReleaseManifest, b: HelmReleaseManifest): number {
  if (a.source.path !== b.source.path)
    return a.source.path < b.source.path ? -1 : 1;
  return a.source.document - b.source.document;
}

/**
 * Releases of one environment that would fight over the same object or the
 * same Helm release: same namespace and metadata.name, or same namespace and
 * releaseName. The first by file path (then document) is the original; each
 * later one gets one error, at its own file and line, naming both files.
 */
export function findDuplicateReleases(
  releases: HelmReleaseManifest[],
): ManifestError[] {
  const byName = new Map<string, HelmReleaseManifest>();
  const byReleaseName = new Map<string, HelmReleaseManifest>();
  const errors: ManifestError[] = [];

  for (const release of [...releases].sort(bySource)) {
    const nameKey = `${release.namespace}/${release.name}`;
    const releaseKey = `${release.namespace}/${release.releaseName}`;
    const sameName = byName.get(nameKey);
    const sameRelease = byReleaseName.get(releaseKey);
    if (sameName) {
      errors.push({
        path: release.source.path,
        line: release.source.line,
        message: `HelmRelease ${nameKey} in ${describe(
          release,
        )} is already defined in ${describe(sameName)}`,
      });
    } else if (sameRelease) {
      errors.push({
        path: release.source.path,
        line: release.source.line,
        message: `HelmRelease ${nameKey} in ${describe(
          release,
        )} uses Helm release name ${release.releaseName} in namespace ${
          release.namespace
        }, already used by ${sameRelease.namespace}/${
          sameRelease.name
        } in ${describe(sameRelease)}`,
      });
    }
    if (!sameName) byName.set(nameKey, release);
    if (!sameRelease) byReleaseName.set(releaseKey, release);
  }
  return errors;
}

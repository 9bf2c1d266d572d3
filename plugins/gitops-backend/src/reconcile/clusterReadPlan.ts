import { stringifyGitopsReleaseKey } from '@backstage-gitops/plugin-gitops-common';
import { helmReleaseKey } from '../cluster';
import { ReleaseRecord } from '../database';
import { helmStorageNamespace } from '../kernel';
import { ApplyLane } from './applyLane';

/** What one reconcile cycle reads from a cluster, and what it refuses to. */
export type ClusterReadPlan = {
  /** Namespaces to list: HelmReleases of both API groups and Helm's Secrets. */
  namespaces: Set<string>;
  /** Helm releases to decode, by helmReleaseKey(storage namespace, release name). */
  helmReleases: Set<string>;
  /** Releases not read, by `environment/namespace/name`, with the reason. */
  refused: Map<string, string>;
};

const pick = (value: unknown) =>
  typeof value === 'string' && value ? value : undefined;

/** Every namespace reading the release would touch, with what puts it there. */
function namespacesOf(release: ReleaseRecord): Array<[string, string]> {
  const target = pick(
    (release.spec as { targetNamespace?: unknown }).targetNamespace,
  );
  return [
    [release.namespace, 'it is in'],
    [helmStorageNamespace(release), 'Helm stores it in'],
    ...(target ? [[target, 'it deploys to'] as [string, string]] : []),
  ];
}

function refusal(
  release: ReleaseRecord,
  lane: ApplyLane | undefined,
): string | undefined {
  for (const [namespace, what] of namespacesOf(release)) {
    if (lane?.namespaces.has(namespace)) continue;
    const claims = lane?.contested.get(namespace);
    return claims
      ? `not read from the cluster: ${what} namespace ${namespace}, which environments ${claims.join(
          ' and ',
        )} both claim; set gitops.environments[].namespaces so that one owns it`
      : `not read from the cluster: ${what} namespace ${namespace}, which environment ${release.environment} does not own (gitops.environments[].namespaces)`;
  }
  return undefined;
}

/**
 * Plans a cycle's reads so that a release is read only within its
 * environment's own namespaces, the lanes apply writes in. A HelmRelease
 * whose namespace, `storageNamespace` or `targetNamespace` lies elsewhere is
 * refused, and so are two releases that name one Helm release: either would
 * show one environment another's Helm history and values. Refused releases
 * cost no request.
 */
export function planClusterRead(
  releases: ReleaseRecord[],
  lanes: Map<string, ApplyLane>,
): ClusterReadPlan {
  const refused = new Map<string, string>();
  const claimants = new Map<string, ReleaseRecord[]>();
  for (const release of releases) {
    const refusedBecause = refusal(release, lanes.get(release.environment));
    if (refusedBecause) {
      refused.set(stringifyGitopsReleaseKey(release), refusedBecause);
      continue;
    }
    const helmRelease = helmReleaseKey(
      helmStorageNamespace(release),
      release.releaseName,
    );
    claimants.set(helmRelease, [
      ...(claimants.get(helmRelease) ?? []),
      release,
    ]);
  }
  const namespaces = new Set<string>();
  const helmReleases = new Set<string>();
  for (const [helmRelease, claims] of claimants) {
    if (claims.length > 1) {
      const names = claims.map(stringifyGitopsReleaseKey).join(' and ');
      for (const release of claims) {
        refused.set(
          stringifyGitopsReleaseKey(release),
          `not read from the cluster: HelmReleases ${names} name the same Helm release ${
            release.releaseName
          } in namespace ${helmStorageNamespace(release)}`,
        );
      }
      continue;
    }
    const [release] = claims;
    helmReleases.add(helmRelease);
    // A target namespace is checked, not listed: nothing of Helm's is kept there.
    namespaces.add(release.namespace);
    namespaces.add(helmStorageNamespace(release));
  }
  return { namespaces, helmReleases, refused };
}

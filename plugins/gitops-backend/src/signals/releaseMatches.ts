import {
  ImageName,
  resolveImageName,
} from '@backstage-gitops/plugin-gitops-common';
import { ReleaseMatch, ReleaseRecord } from '../database';

/** What of a release decides which entities show it. */
export type ReleaseMatchFacts = Pick<ReleaseRecord, 'chartName' | 'labels'> & {
  images: Array<{ registry?: string; repository: string }>;
};

function sameImage(
  names: ImageName[] | undefined,
  image: ReleaseMatchFacts['images'][number],
) {
  if (!names) return true;
  let stored: ImageName;
  try {
    stored = resolveImageName({
      registry: image.registry,
      repository: image.repository,
    });
  } catch {
    return false;
  }
  return names.some(
    n => n.host === stored.host && n.repository === stored.repository,
  );
}

/**
 * Whether an entity's match (see `releaseMatchFor`) claims this release, as
 * `SyncStateStore.findReleases` decides it, but in memory: a change is
 * mapped to the entities it concerns without a query per entity.
 */
export function releaseMatches(
  match: ReleaseMatch,
  release: ReleaseMatchFacts,
): boolean {
  if (match.chartNames.includes(release.chartName)) return true;
  if (
    match.imageRepositories.length > 0 &&
    release.images.some(
      image =>
        match.imageRepositories.includes(image.repository) &&
        sameImage(match.imageNames, image),
    )
  ) {
    return true;
  }
  return match.labelSelectors.some(selector =>
    selector.every(({ key, value, op }) =>
      op === '='
        ? release.labels[key] === value
        : release.labels[key] !== value,
    ),
  );
}

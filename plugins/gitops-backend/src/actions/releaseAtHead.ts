import { ConflictError } from '@backstage/errors';
import { ReleaseRecord } from '../database';
import { decodeUtf8File } from '../edits';
import { HelmReleaseManifest, ImageReference } from '../manifests';
import { brokenFile, brokenFileConflict } from './manifestsAtHead';
import { HeadSnapshot } from './RepositoryWriter';

/** A release as the file at the remote head writes it. */
export type ReleaseAtHead = {
  path: string;
  /** The whole file, which is what gets rewritten. */
  content: string;
  manifest: HelmReleaseManifest;
};

/**
 * Reads a release from its file at the head an action writes on, not from
 * the store, which may be a sync behind: what git says now is what the
 * commit changes. A release that left its file since the last sync is a
 * `ConflictError`, to be tried again once git sync caught up; so is a file
 * that does not read cleanly there, naming the line to fix: nothing is
 * written on a file read in part.
 */
export async function releaseAtHead(
  snapshot: HeadSnapshot,
  release: ReleaseRecord,
): Promise<ReleaseAtHead> {
  const path = release.sourcePath;
  const later = 'it changed since the last sync; try again once git sync ran';
  const file = (await snapshot.readManifests([path])).get(path);
  if (!file) {
    throw new ConflictError(
      `${path} is not in the repository at ${snapshot.head.slice(
        0,
        12,
      )}: ${later}`,
    );
  }
  const broken = brokenFile(file, snapshot.head);
  if (broken) throw brokenFileConflict(broken);
  const manifest = file.parsed.helmReleases.find(
    m => m.namespace === release.namespace && m.name === release.name,
  );
  if (!manifest) {
    throw new ConflictError(
      `${path} no longer holds the HelmRelease ${release.namespace}/${release.name}: ${later}`,
    );
  }
  return { path, content: decodeUtf8File(path, file.content), manifest };
}

export function findReleaseImage(
  release: ReleaseAtHead,
  container: string,
): ImageReference {
  const image = release.manifest.images.find(i => i.container === container);
  if (!image) {
    throw new ConflictError(
      `${release.manifest.namespace}/${release.manifest.name} in ${release.path} no longer has the container ${container}`,
    );
  }
  return image;
}

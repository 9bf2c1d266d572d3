import { LoggerService } from '@backstage/backend-plugin-api';
import {
  needsCreationTime,
  parseImagePolicy,
  policyAllows,
  PolicyDefinition,
  TagCandidate,
} from '@backstage-gitops/plugin-gitops-common';
import { BrokenFile, brokenFile, HeadSnapshot } from '../actions';
import { ReleaseRecord, ReleaseRecordImage } from '../database';
import { decodeUtf8File, ImageEdit, rewriteImageTags } from '../edits';
import { HelmReleaseManifest, ImageReference } from '../manifests';
import { decideTag } from './decideTag';

/** One tag move that image automation decided on. */
export type ImageUpdate = {
  release: ReleaseRecord;
  image: ReleaseRecordImage;
  to: string;
};

/** A move the scan decided on, with the tags it decided from, to decide again at the head. */
export type ScannedUpdate = ImageUpdate & { tags: TagCandidate[] };

/** A file automation left alone because it did not read cleanly, and the moves it held. */
export type SkippedFile = { broken: BrokenFile; updates: ImageUpdate[] };

/**
 * Reads each file at the snapshot's head and decides every move again
 * from the release written there, not from the store or the scan: a file
 * that does not read cleanly is left alone whole; a release that is no
 * longer automated, is locked, or whose policy no longer picks a newer tag
 * is not moved.
 */
export async function movesAtHead(
  snapshot: HeadSnapshot,
  updates: ScannedUpdate[],
  logger: LoggerService,
): Promise<{
  files: Map<string, Buffer>;
  applied: ImageUpdate[];
  skipped: SkippedFile[];
}> {
  const byFile = new Map<string, ScannedUpdate[]>();
  for (const update of updates) {
    const path = update.release.sourcePath;
    byFile.set(path, [...(byFile.get(path) ?? []), update]);
  }
  const manifests = await snapshot.readManifests([...byFile.keys()]);
  const files = new Map<string, Buffer>();
  const applied: ImageUpdate[] = [];
  const skipped: SkippedFile[] = [];
  for (const [path, fileUpdates] of byFile) {
    const file = manifests.get(path);
    if (!file) {
      logger.info('File left git since the last sync; skipping', { path });
      continue;
    }
    const broken = brokenFile(file, snapshot.head);
    if (broken) {
      skipped.push({ broken, updates: fileUpdates });
      continue;
    }
    const edits: ImageEdit[] = [];
    const done: ImageUpdate[] = [];
    for (const update of fileUpdates) {
      const manifest = file.parsed.helmReleases.find(
        m =>
          m.namespace === update.release.namespace &&
          m.name === update.release.name,
      );
      const image = manifest?.images.find(
        i => i.container === update.image.container,
      );
      const to =
        manifest && image && redecide(path, update, manifest, image, logger);
      if (!to) continue;
      edits.push({ document: manifest.source.document, image, newTag: to });
      done.push({
        release: update.release,
        image: { ...update.image, tag: image.tag, policy: image.policy },
        to,
      });
    }
    if (edits.length === 0) continue;
    const result = rewriteImageTags(
      path,
      decodeUtf8File(path, file.content),
      edits,
    );
    if (result.changed) {
      files.set(path, Buffer.from(result.content, 'utf8'));
      applied.push(...done);
    }
  }
  return { files, applied, skipped };
}

/**
 * The tag to write for one release image as the head has it, or undefined
 * (with the reason logged) when the head no longer wants a move.
 */
function redecide(
  path: string,
  update: ScannedUpdate,
  manifest: HelmReleaseManifest,
  image: ImageReference,
  logger: LoggerService,
): string | undefined {
  const skip = (reason: string) => {
    logger.info(`Not moving the image: ${reason}`, {
      path,
      release: `${manifest.namespace}/${manifest.name}`,
      container: image.container,
    });
    return undefined;
  };
  if (!manifest.automated)
    return skip('the release is no longer automated in git');
  if (manifest.locked) return skip('the release is locked in git');
  if (image.digest || !image.tag)
    return skip('the image is pinned by digest in git');
  const policy = readPolicy(image.policy);
  if (policy instanceof Error)
    return skip(`its policy in git is invalid: ${policy.message}`);
  // The scan fetched creation times only for the tags the stored policies
  // allow; a policy changed since then that orders by time is decided next run.
  if (
    image.policy !== update.image.policy &&
    needsCreationTime(policy) &&
    update.tags.some(t => !t.createdAt && policyAllows(policy, t.tag))
  ) {
    return skip(
      'its policy changed in git since the scan; the next run decides',
    );
  }
  const decision = decideTag(policy, image.tag, update.tags);
  if (decision.kind !== 'choice' || !decision.moves) {
    return skip('the policy and tag in git ask for no newer tag');
  }
  return decision.choice.tag;
}

export function readPolicy(
  policy: string | undefined,
): PolicyDefinition | Error {
  try {
    return parseImagePolicy(policy);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

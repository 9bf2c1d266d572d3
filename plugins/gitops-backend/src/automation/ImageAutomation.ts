import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GitopsImageStatus,
  needsCreationTime,
  parseImagePolicy,
  policyAllows,
  PolicyDefinition,
  stringifyGitopsReleaseKey,
  TagCandidate,
} from '@backstage-gitops/plugin-gitops-common';
import { RepositoryConfig } from '../config/GitopsConfig';
import { EventStore } from '../database/EventStore';
import { ImageStatusRecord, ImageStatusStore } from '../database/ImageStatusStore';
import { ReleaseRecord, SyncStateStore } from '../database/SyncStateStore';
import { HeadSnapshot, RepositoryWriter } from '../actions/RepositoryWriter';
import {
  BrokenFile,
  brokenFile,
  describeBrokenFile,
} from '../actions/manifestsAtHead';
import { decodeUtf8File, ImageEdit, rewriteImageTags } from '../edits';
import { GitRepository } from '../git';
import { errorMessage } from '../kernel';
import { HelmReleaseManifest, ImageReference } from '../manifests';
import { ImageScanResult } from '../registry';
import { autoReleaseMessage } from './commitMessage';
import { decideTag } from './decideTag';

type ReleaseImage = ReleaseRecord['images'][number];

/** One tag move that image automation decided on. */
export type ImageUpdate = {
  release: ReleaseRecord;
  image: ReleaseImage;
  to: string;
};

export type AutomationOutcome =
  | { status: 'unchanged'; updates: [] }
  /** The run's signal aborted (past its timeout) before it committed anything. */
  | { status: 'aborted'; updates: [] }
  | { status: 'committed'; commit: string; updates: ImageUpdate[] }
  | { status: 'failed'; error: string; updates: ImageUpdate[] };

/** What the automation needs of a registry scanner. */
export interface ImageSource {
  scan(
    image: { registry?: string; repository: string },
    wantsTimestamp: (tag: string) => boolean,
  ): Promise<ImageScanResult>;
}

const imageName = (image: { registry?: string; repository: string }) =>
  image.registry ? `${image.registry}/${image.repository}` : image.repository;

type Use = {
  release: ReleaseRecord;
  image: ReleaseImage;
  policy: PolicyDefinition | Error;
};

/** A move the scan decided on, with the tags it decided from, to decide again at the head. */
type ScannedUpdate = ImageUpdate & { tags: TagCandidate[] };

/** A file automation left alone because it did not read cleanly, and the moves it held. */
type SkippedFile = { broken: BrokenFile; updates: ImageUpdate[] };

/**
 * One repository's image automation: scan each image its releases deploy
 * once, choose per release image the newest tag its policy allows, record
 * that for every release (automated or not), and commit the moves of
 * automated, unlocked releases in one commit per run. A rejected push is
 * retried on the new head, never forced; a registry fault only affects the
 * images behind it.
 *
 * The store and the scan only nominate moves. Each is decided again from the
 * file at the head the commit is written on (automated, locked, the
 * container's policy and tag there), so a lock pushed while the registry was
 * being scanned wins; and a file that does not read cleanly there is left
 * alone, said so in an event of each release it holds.
 */
export class ImageAutomation {
  private readonly clock: () => Date;
  private readonly writer: RepositoryWriter;

  constructor(
    private readonly options: {
      repository: RepositoryConfig;
      git: GitRepository;
      syncStateStore: SyncStateStore;
      imageStatusStore: ImageStatusStore;
      eventStore: EventStore;
      images: ImageSource;
      logger: LoggerService;
      /** Called after a push, to have git sync pick the commit up. */
      afterPush?: (commit: string) => Promise<void>;
      clock?: () => Date;
    },
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.writer = new RepositoryWriter({
      repository: options.repository,
      git: options.git,
      logger: options.logger,
      afterPush: options.afterPush,
    });
  }

  /**
   * One run. Once `signal` aborts (the scheduler's timeout: another replica
   * may take the task now) it stops before recording, committing or pushing.
   */
  async run(signal?: AbortSignal): Promise<AutomationOutcome> {
    const { repository, syncStateStore, imageStatusStore, eventStore, logger } =
      this.options;
    const releases = await syncStateStore.releasesFromPaths(repository.id, 'all');
    const { statuses, updates } = await this.decide(releases, signal);
    if (signal?.aborted) return this.aborted();
    await imageStatusStore.recordImageStatuses(statuses);
    if (updates.length === 0) {
      return { status: 'unchanged', updates: [] };
    }
    try {
      const { written: result, skipped } = await this.commit(updates, signal);
      await this.reportSkipped(skipped);
      if (!result) return { status: 'unchanged', updates: [] };
      await eventStore.addEvents(
        result.applied.map(update => ({
          type: 'image-updated',
          repository: repository.id,
          environment: update.release.environment,
          namespace: update.release.namespace,
          name: update.release.name,
          commit: result.commit,
          author: repository.author.name,
          message: result.message.split('\n')[0],
          details: {
            container: update.image.container,
            image: imageName(update.image),
            from: update.image.tag,
            to: update.to,
          },
          at: this.clock(),
        })),
      );
      logger.info('Auto-released', {
        repository: repository.id,
        sha: result.commit,
        images: result.applied.length,
      });
      return { status: 'committed', commit: result.commit, updates: result.applied };
    } catch (error) {
      if (signal?.aborted) return this.aborted();
      const message = errorMessage(error);
      logger.warn('Image automation could not commit', {
        repository: repository.id,
        error: message,
      });
      await eventStore.addEvents([
        {
          type: 'automation-failed',
          repository: repository.id,
          message,
          at: this.clock(),
        },
      ]);
      return { status: 'failed', error: message, updates };
    }
  }

  /** Scans each image once and decides per release image. */
  private async decide(
    releases: ReleaseRecord[],
    signal?: AbortSignal,
  ): Promise<{ statuses: ImageStatusRecord[]; updates: ScannedUpdate[] }> {
    const uses = new Map<string, Use[]>();
    for (const release of releases) {
      for (const image of release.images) {
        // A digest-pinned image has no tag to move.
        if (!image.tag) continue;
        const key = imageName(image);
        uses.set(key, [
          ...(uses.get(key) ?? []),
          { release, image, policy: readPolicy(image.policy) },
        ]);
      }
    }

    const statuses: ImageStatusRecord[] = [];
    const updates: ScannedUpdate[] = [];
    for (const group of uses.values()) {
      // Scans are the long part of a run; one aborted mid-way stops here.
      if (signal?.aborted) break;
      const policies = group
        .map(u => u.policy)
        .filter((p): p is PolicyDefinition => !(p instanceof Error));
      const { registry, repository } = group[0].image;
      const scan = await this.options.images.scan({ registry, repository }, tag =>
        policies.some(p => needsCreationTime(p) && policyAllows(p, tag)),
      );
      const checkedAt = this.clock().toISOString();
      for (const use of group) {
        const record = (status: GitopsImageStatus): ImageStatusRecord => ({
          repositoryId: use.release.repository,
          environment: use.release.environment,
          namespace: use.release.namespace,
          name: use.release.name,
          container: use.image.container,
          status,
        });
        if (use.policy instanceof Error) {
          statuses.push(record({ error: `Invalid policy: ${use.policy.message}`, checkedAt }));
          continue;
        }
        if (!scan.ok) {
          statuses.push(record({ error: scan.error, checkedAt: scan.at }));
          continue;
        }
        const decision = decideTag(use.policy, use.image.tag, scan.tags);
        if (decision.kind === 'no-match') {
          statuses.push(record({ reason: 'No tag in the registry matches the policy', checkedAt }));
          continue;
        }
        const { choice, downgrade } = decision;
        statuses.push(
          record({
            latestTag: choice.tag,
            latestCreatedAt: choice.createdAt,
            reason: downgrade
              ? `${choice.reason}; older than ${use.image.tag}, so not committed`
              : choice.reason,
            checkedAt,
          }),
        );
        if (use.release.automated && !use.release.locked && decision.moves) {
          updates.push({
            release: use.release,
            image: use.image,
            to: choice.tag,
            tags: scan.tags,
          });
        }
      }
    }
    return { statuses, updates };
  }

  /**
   * Writes the moves that still hold at the remote head and pushes one
   * commit (the writer starts again from the new head when the push is
   * rejected). `written` is undefined when there was nothing to commit;
   * `skipped` lists the files of the last attempt that did not read cleanly.
   */
  private async commit(
    updates: ScannedUpdate[],
    signal?: AbortSignal,
  ): Promise<{
    written?: { commit: string; message: string; applied: ImageUpdate[] };
    skipped: SkippedFile[];
  }> {
    let skipped: SkippedFile[] = [];
    const written = await this.writer.write(
      async snapshot => {
        const attempt = await this.applyAt(snapshot, updates);
        skipped = attempt.skipped;
        if (attempt.applied.length === 0) return undefined;
        const message = autoReleaseMessage(
          attempt.applied.map(u => `${imageName(u.image)}:${u.to}`),
        );
        return { files: attempt.files, message, value: attempt.applied };
      },
      { signal },
    );
    return {
      written: written && {
        commit: written.commit,
        message: written.message,
        applied: written.value,
      },
      skipped,
    };
  }

  /**
   * Reads each file at the snapshot's head and decides every move again
   * from the release written there, not from the store or the scan: a file
   * that does not read cleanly is left alone whole; a release that is no
   * longer automated, is locked, or whose policy no longer picks a newer tag
   * is not moved.
   */
  private async applyAt(
    snapshot: HeadSnapshot,
    updates: ScannedUpdate[],
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
        this.options.logger.info('File left git since the last sync; skipping', { path });
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
        const to = manifest && image && this.redecide(path, update, manifest, image);
        if (!to) continue;
        edits.push({ document: manifest.source.document, image, newTag: to });
        done.push({
          release: update.release,
          image: { ...update.image, tag: image.tag, policy: image.policy },
          to,
        });
      }
      if (edits.length === 0) continue;
      const result = rewriteImageTags(path, decodeUtf8File(path, file.content), edits);
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
  private redecide(
    path: string,
    update: ScannedUpdate,
    manifest: HelmReleaseManifest,
    image: ImageReference,
  ): string | undefined {
    const skip = (reason: string) => {
      this.options.logger.info(`Not moving the image: ${reason}`, {
        path,
        release: `${manifest.namespace}/${manifest.name}`,
        container: image.container,
      });
      return undefined;
    };
    if (!manifest.automated) return skip('the release is no longer automated in git');
    if (manifest.locked) return skip('the release is locked in git');
    if (image.digest || !image.tag) return skip('the image is pinned by digest in git');
    const policy = readPolicy(image.policy);
    if (policy instanceof Error) return skip(`its policy in git is invalid: ${policy.message}`);
    // The scan fetched creation times only for the tags the stored policies
    // allow; a policy changed since then that orders by time is decided next run.
    if (
      image.policy !== update.image.policy &&
      needsCreationTime(policy) &&
      update.tags.some(t => !t.createdAt && policyAllows(policy, t.tag))
    ) {
      return skip('its policy changed in git since the scan; the next run decides');
    }
    const decision = decideTag(policy, image.tag, update.tags);
    if (decision.kind !== 'choice' || !decision.moves) {
      return skip('the policy and tag in git ask for no newer tag');
    }
    return decision.choice.tag;
  }

  /**
   * Says on each release of a file automation left alone why its image did
   * not move, once per problem: the same problem on the next run adds no
   * event, only the warning log.
   */
  private async reportSkipped(skipped: SkippedFile[]): Promise<void> {
    const { repository, eventStore, logger } = this.options;
    for (const { broken, updates } of skipped) {
      const message = `${describeBrokenFile(broken)}; image automation leaves it alone until it is fixed`;
      logger.warn('Image automation skipped a file that does not read cleanly', {
        repository: repository.id,
        path: broken.path,
        line: broken.line,
        error: broken.message,
      });
      const details = {
        path: broken.path,
        ...(broken.line !== undefined ? { line: broken.line } : {}),
        error: broken.message,
      };
      const releases = new Map(
        updates.map(u => [
          stringifyGitopsReleaseKey(u.release),
          u.release,
        ]),
      );
      for (const release of releases.values()) {
        const key = {
          environment: release.environment,
          namespace: release.namespace,
          name: release.name,
        };
        const [last] = await eventStore.listEvents({
          releases: [key],
          repositoryIds: [],
          limit: 1,
        });
        if (
          last?.type === 'automation-skipped' &&
          JSON.stringify(last.details) === JSON.stringify(details)
        ) {
          continue;
        }
        await eventStore.addEvents([
          {
            type: 'automation-skipped',
            repository: repository.id,
            ...key,
            commit: broken.head,
            message,
            details,
            at: this.clock(),
          },
        ]);
      }
    }
  }

  private aborted(): AutomationOutcome {
    this.options.logger.info('Image automation stopped: its run was aborted', {
      repository: this.options.repository.id,
    });
    return { status: 'aborted', updates: [] };
  }
}

function readPolicy(policy: string | undefined): PolicyDefinition | Error {
  try {
    return parseImagePolicy(policy);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

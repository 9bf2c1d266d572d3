import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GitopsImageStatus,
  isDowngrade,
  needsCreationTime,
  parseImagePolicy,
  PolicyDefinition,
  policyAllows,
  selectLatestTag,
  TagCandidate,
} from '@backstage-gitops/plugin-gitops-common';
import { RepositoryConfig } from '../config/GitopsConfig';
import {
  GitopsStore,
  ImageStatusRecord,
  ReleaseRecord,
} from '../database/GitopsStore';
import { HeadSnapshot, RepositoryWriter } from '../actions/RepositoryWriter';
import { GitRepository } from '../git';
import { parseManifestFile } from '../manifests';
import { ImageScanResult } from '../registry';
import { autoReleaseMessage } from './commitMessage';
import { ImageEdit, rewriteImageTags } from './rewrite';

type ReleaseImage = ReleaseRecord['images'][number];

/** One tag move that image automation decided on. */
export type ImageUpdate = {
  release: ReleaseRecord;
  image: ReleaseImage;
  to: string;
};

export type AutomationOutcome =
  | { status: 'unchanged'; updates: [] }
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

/**
 * One repository's image automation: scan each image its releases deploy
 * once, choose per release image the newest tag its policy allows, record
 * that for every release (automated or not), and commit the moves of
 * automated, unlocked releases in one commit per run. A rejected push is
 * retried on the new head, never forced; a registry fault only affects the
 * images behind it.
 */
export class ImageAutomation {
  private readonly clock: () => Date;
  private readonly writer: RepositoryWriter;

  constructor(
    private readonly options: {
      repository: RepositoryConfig;
      git: GitRepository;
      store: GitopsStore;
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

  async run(): Promise<AutomationOutcome> {
    const { repository, store, logger } = this.options;
    const releases = await store.releasesFromPaths(repository.id, 'all');
    const { statuses, updates } = await this.decide(releases);
    await store.recordImageStatuses(statuses);
    if (updates.length === 0) {
      return { status: 'unchanged', updates: [] };
    }
    try {
      const result = await this.commit(updates);
      if (!result) return { status: 'unchanged', updates: [] };
      await store.addEvents(
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
      const message = error instanceof Error ? error.message : String(error);
      logger.warn('Image automation could not commit', {
        repository: repository.id,
        error: message,
      });
      await store.addEvents([
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
  ): Promise<{ statuses: ImageStatusRecord[]; updates: ImageUpdate[] }> {
    const uses = new Map<string, Use[]>();
    for (const release of releases) {
      for (const image of release.images) {
        // A digest-pinned image has no tag to move.
        if (!image.tag) continue;
        let policy: PolicyDefinition | Error;
        try {
          policy = parseImagePolicy(image.policy);
        } catch (error) {
          policy = error instanceof Error ? error : new Error(String(error));
        }
        const key = imageName(image);
        uses.set(key, [...(uses.get(key) ?? []), { release, image, policy }]);
      }
    }

    const statuses: ImageStatusRecord[] = [];
    const updates: ImageUpdate[] = [];
    for (const group of uses.values()) {
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
        const policy = use.policy;
        const candidates: TagCandidate[] = scan.tags.filter(t =>
          policyAllows(policy, t.tag),
        );
        const choice = selectLatestTag(policy, candidates);
        if (!choice) {
          statuses.push(record({ reason: 'No tag in the registry matches the policy', checkedAt }));
          continue;
        }
        const downgrade =
          choice.tag !== use.image.tag &&
          isDowngrade(policy, use.image.tag, choice.tag, candidates);
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
        if (
          use.release.automated &&
          !use.release.locked &&
          choice.tag !== use.image.tag &&
          !downgrade
        ) {
          updates.push({ release: use.release, image: use.image, to: choice.tag });
        }
      }
    }
    return { statuses, updates };
  }

  /**
   * Writes every update into the files at the remote head and pushes one
   * commit (the writer starts again from the new head when the push is
   * rejected). Undefined when git already holds everything.
   */
  private async commit(
    updates: ImageUpdate[],
  ): Promise<{ commit: string; message: string; applied: ImageUpdate[] } | undefined> {
    const written = await this.writer.write(async snapshot => {
      const { files, applied } = await this.applyAt(snapshot, updates);
      if (applied.length === 0) return undefined;
      const message = autoReleaseMessage(
        applied.map(u => `${imageName(u.image)}:${u.to}`),
      );
      return { files, message, value: applied };
    });
    return written && { commit: written.commit, message: written.message, applied: written.value };
  }

  /**
   * Re-reads each file at `head` and rewrites the tags that still hold the
   * value automation decided from; a file changed since the last sync keeps
   * its edit for the next run.
   */
  private async applyAt(
    snapshot: HeadSnapshot,
    updates: ImageUpdate[],
  ): Promise<{ files: Map<string, Buffer>; applied: ImageUpdate[] }> {
    const { logger } = this.options;
    const byFile = new Map<string, ImageUpdate[]>();
    for (const update of updates) {
      const path = update.release.sourcePath;
      byFile.set(path, [...(byFile.get(path) ?? []), update]);
    }
    const contents = await snapshot.readFiles([...byFile.keys()]);
    const files = new Map<string, Buffer>();
    const applied: ImageUpdate[] = [];
    for (const [path, fileUpdates] of byFile) {
      const content = contents.get(path);
      if (!content) continue;
      const parsed = parseManifestFile(path, content);
      const edits: ImageEdit[] = [];
      const done: ImageUpdate[] = [];
      for (const update of fileUpdates) {
        const manifest = parsed.helmReleases.find(
          m =>
            m.namespace === update.release.namespace &&
            m.name === update.release.name,
        );
        const image = manifest?.images.find(
          i => i.container === update.image.container,
        );
        if (!manifest || !image || image.tag !== update.image.tag) {
          logger.info('Release changed in git since the last sync; skipping', {
            path,
            release: update.release.name,
          });
          continue;
        }
        edits.push({ document: manifest.source.document, image, newTag: update.to });
        done.push(update);
      }
      if (edits.length === 0) continue;
      const result = rewriteImageTags(path, content.toString('utf8'), edits);
      if (result.changed) {
        files.set(path, Buffer.from(result.content, 'utf8'));
        applied.push(...done);
      }
    }
    return { files, applied };
  }
}


import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GitopsImageStatus,
  imageLabel,
  needsCreationTime,
  policyAllows,
  PolicyDefinition,
} from '@backstage-gitops/plugin-gitops-common';
import { RepositoryWriter } from '../actions';
import { RepositoryConfig } from '../config';
import {
  EventStore,
  ImageStatusRecord,
  ImageStatusStore,
  ReleaseRecord,
  ReleaseRecordImage,
  SyncStateStore,
} from '../database';
import { GitRepository } from '../git';
import { errorMessage } from '../kernel';
import { ImageScanResult } from '../registry';
import { autoReleaseMessage } from './commitMessage';
import { decideTag } from './decideTag';
import {
  ImageUpdate,
  movesAtHead,
  readPolicy,
  ScannedUpdate,
  SkippedFile,
} from './movesAtHead';
import { reportSkippedFiles } from './reportSkippedFiles';

export type { ImageUpdate } from './movesAtHead';

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

type Use = {
  release: ReleaseRecord;
  image: ReleaseRecordImage;
  policy: PolicyDefinition | Error;
};

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
      await reportSkippedFiles({ ...this.options, clock: this.clock }, skipped);
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
            image: imageLabel(update.image),
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
        const key = imageLabel(image);
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
        const attempt = await movesAtHead(snapshot, updates, this.options.logger);
        skipped = attempt.skipped;
        if (attempt.applied.length === 0) return undefined;
        const message = autoReleaseMessage(
          attempt.applied.map(u => `${imageLabel(u.image)}:${u.to}`),
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

  private aborted(): AutomationOutcome {
    this.options.logger.info('Image automation stopped: its run was aborted', {
      repository: this.options.repository.id,
    });
    return { status: 'aborted', updates: [] };
  }
}

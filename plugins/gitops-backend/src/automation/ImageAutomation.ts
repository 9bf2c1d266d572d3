import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GitopsImageStatus,
  ImageName,
  imageLabel,
  needsCreationTime,
  policyAllows,
  PolicyDefinition,
  sameImage,
} from '@backstage-gitops/plugin-gitops-common';
import { BrokenFile, RepositoryWriter } from '../actions';
import { ClusterApi } from '../cluster';
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
import { GitopsMetrics, startTimer } from '../metrics';
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
import {
  decideMarkedImages,
  MarkedImageSource,
  markedUses,
  MarkerPlan,
} from './decideMarkedImages';
import { commitMarkerPlan, MarkerCommit } from './commitMarkerPlan';
import { reportFluxAutomation } from './reportFluxAutomation';

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
  /** The manifest digest of a tag, for Flux's `:digest` setter markers. */
  digestOf?(
    image: { registry?: string; repository: string },
    tag: string,
  ): Promise<string>;
}

/** The Flux kinds that decide setter-marked images. */
const MARKER_OBJECT_KINDS = [
  'ImageRepository',
  'ImagePolicy',
  'ImageUpdateAutomation',
  'GitRepository',
  // Tells which GitRepository is this repository (bootstrap's flux-system).
  'Kustomization',
] as const;

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
      /**
       * The cluster of an environment of this repository, where Flux's own
       * ImagePolicies are read when Flux automates the repository.
       */
      clusterFor?: (
        environment: string,
      ) => { name: string; api: ClusterApi } | undefined;
      clock?: () => Date;
      /** Where each run's duration and outcome, and each commit, go; none when unset. */
      metrics?: GitopsMetrics;
    },
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.writer = new RepositoryWriter({
      repository: options.repository,
      git: options.git,
      logger: options.logger,
      afterPush: options.afterPush,
      metrics: options.metrics,
      commitReason: 'automation',
    });
  }

  /**
   * One run. Once `signal` aborts (the scheduler's timeout: another replica
   * may take the task now) it stops before recording, committing or pushing.
   * With `only.images` (a registry said these were pushed) it scans and
   * moves only the release images that resolve to one of them.
   */
  async run(
    signal?: AbortSignal,
    only?: { images: ImageName[] },
  ): Promise<AutomationOutcome> {
    const elapsed = startTimer();
    let status = 'failed';
    try {
      const outcome = await this.runOnce(signal, only);
      status = outcome.status;
      return outcome;
    } finally {
      this.options.metrics?.imageScanFinished(
        this.options.repository.id,
        status,
        elapsed(),
      );
    }
  }

  private async runOnce(
    signal?: AbortSignal,
    only?: { images: ImageName[] },
  ): Promise<AutomationOutcome> {
    const { repository, syncStateStore, imageStatusStore } = this.options;
    const party = repository.automation ?? 'backstage';
    const stored = await syncStateStore.releasesFromPaths(repository.id, 'all');
    const all = only ? onlyImages(stored, only.images) : stored;
    if (only && all.length === 0) return { status: 'unchanged', updates: [] };
    if (party === 'off') {
      await imageStatusStore.recordImageStatuses(this.offStatuses(all));
      return { status: 'unchanged', updates: [] };
    }
    const marked = markedUses(all);
    // Setter-marked images follow their ImagePolicy, never Flux v1's filters.
    const releases = marked.length
      ? all.map(r => ({
          ...r,
          images: r.images.filter(i => !i.imagePolicyRef),
        }))
      : all;
    if (party === 'flux') {
      const statuses = await reportFluxAutomation({
        uses: marked,
        clusterFor: this.options.clusterFor ?? (() => undefined),
        clock: this.clock,
      });
      if (signal?.aborted) return this.aborted();
      await imageStatusStore.recordImageStatuses(statuses);
      return { status: 'unchanged', updates: [] };
    }
    const { statuses, updates } = await this.decide(releases, signal);
    const markers = marked.length
      ? await decideMarkedImages({
          uses: marked,
          objects: await syncStateStore.listFluxObjects(repository.id, [
            ...MARKER_OBJECT_KINDS,
          ]),
          repository,
          images: this.options.images as MarkedImageSource,
          clock: this.clock,
          signal,
        })
      : undefined;
    if (signal?.aborted) return this.aborted();
    await imageStatusStore.recordImageStatuses([
      ...statuses,
      ...(markers?.statuses ?? []),
    ]);
    for (const problem of markers?.problems ?? []) {
      this.options.logger.warn('ImageUpdateAutomation not read', {
        repository: repository.id,
        problem,
      });
    }
    const v1 = await this.commitV1(updates, signal);
    if (!markers?.plans.length || v1.status === 'aborted') return v1;
    const v2 = await this.commitMarked(markers.plans, signal);
    return v1.status === 'unchanged' ? v2 : v1;
  }

  /** Flux v1's path: one commit of every annotated move, `Auto-release` as the message. */
  private async commitV1(
    updates: ScannedUpdate[],
    signal?: AbortSignal,
  ): Promise<AutomationOutcome> {
    const { repository, eventStore, logger } = this.options;
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
      return {
        status: 'committed',
        commit: result.commit,
        updates: result.applied,
      };
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

  /** With automation off, each image says so instead of what a registry offers. */
  private offStatuses(releases: ReleaseRecord[]): ImageStatusRecord[] {
    const checkedAt = this.clock().toISOString();
    return releases.flatMap(release =>
      release.images.map(image => ({
        repositoryId: release.repository,
        environment: release.environment,
        namespace: release.namespace,
        name: release.name,
        container: image.container,
        status: {
          checkedAt,
          automation: 'off' as const,
          reason:
            'Image automation is off for this repository: no registry is scanned and nothing is committed',
        },
      })),
    );
  }

  /**
   * Commits the marked values, one commit per ImageUpdateAutomation (its
   * author, message and push branch), and records what moved.
   */
  private async commitMarked(
    plans: MarkerPlan[],
    signal?: AbortSignal,
  ): Promise<AutomationOutcome> {
    const { repository, eventStore, logger } = this.options;
    const applied: ImageUpdate[] = [];
    let last: string | undefined;
    for (const plan of plans) {
      if (signal?.aborted) return this.aborted();
      let result: { written?: MarkerCommit; skipped: BrokenFile[] };
      try {
        result = await commitMarkerPlan({
          writer: this.writer,
          plan,
          defaultAuthor: repository.author,
          logger,
          signal,
        });
      } catch (error) {
        if (signal?.aborted) return this.aborted();
        const message = errorMessage(error);
        logger.warn('Image automation could not commit marked images', {
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
        return { status: 'failed', error: message, updates: applied };
      }
      await reportSkippedFiles(
        { ...this.options, clock: this.clock },
        result.skipped.map(broken => ({
          broken,
          updates: plan.uses
            .filter(u => u.file === broken.path)
            .map(u => ({ release: u.release, image: u.image, to: u.to })),
        })),
      );
      const written = result.written;
      if (!written) continue;
      last = written.commit;
      const moved = plan.uses.filter(u =>
        written.changes.some(
          c =>
            c.file === u.file &&
            c.setter === `${u.ref.namespace}:${u.ref.name}`,
        ),
      );
      const automationName =
        plan.automation &&
        `${plan.automation.namespace}/${plan.automation.name}`;
      await eventStore.addEvents([
        ...moved.map(u => ({
          type: 'image-updated',
          repository: repository.id,
          environment: u.release.environment,
          namespace: u.release.namespace,
          name: u.release.name,
          commit: written.commit,
          author: written.author.name,
          message: written.message.split('\n')[0],
          details: {
            container: u.image.container,
            image: imageLabel(u.image),
            ...(u.ref.field === 'digest' ? {} : { from: u.image.tag }),
            to: u.to,
            file: u.file,
            imagePolicy: `${u.ref.namespace}/${u.ref.name}`,
            ...(automationName
              ? { imageUpdateAutomation: automationName }
              : {}),
            ...(written.pushBranch ? { branch: written.pushBranch } : {}),
          },
          at: this.clock(),
        })),
        ...(written.templateFallback !== undefined
          ? [
              {
                type: 'automation-message-fallback',
                repository: repository.id,
                commit: written.commit,
                message: `The messageTemplate of ImageUpdateAutomation ${automationName} uses more than plain text, .AutomationObject and ranges over the updated images, files and changes; the commit says Auto-release instead`,
                details: { template: written.templateFallback },
                at: this.clock(),
              },
            ]
          : []),
      ]);
      logger.info('Auto-released marked images', {
        repository: repository.id,
        sha: written.commit,
        images: moved.length,
        ...(automationName ? { automation: automationName } : {}),
      });
      applied.push(
        ...moved.map(u => ({ release: u.release, image: u.image, to: u.to })),
      );
    }
    return last
      ? { status: 'committed', commit: last, updates: applied }
      : { status: 'unchanged', updates: [] };
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
      const scan = await this.options.images.scan(
        { registry, repository },
        tag => policies.some(p => needsCreationTime(p) && policyAllows(p, tag)),
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
          statuses.push(
            record({
              error: `Invalid policy: ${use.policy.message}`,
              checkedAt,
            }),
          );
          continue;
        }
        if (!scan.ok) {
          statuses.push(record({ error: scan.error, checkedAt: scan.at }));
          continue;
        }
        const decision = decideTag(use.policy, use.image.tag, scan.tags);
        if (decision.kind === 'no-match') {
          statuses.push(
            record({
              reason: 'No tag in the registry matches the policy',
              checkedAt,
            }),
          );
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
        const attempt = await movesAtHead(
          snapshot,
          updates,
          this.options.logger,
        );
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

/** The releases with only their images that are one of `names`; releases with none left out. */
function onlyImages(
  releases: ReleaseRecord[],
  names: ImageName[],
): ReleaseRecord[] {
  const wanted = names.map(n => ({
    registry: n.host,
    repository: n.repository,
  }));
  return releases.flatMap(release => {
    const images = release.images.filter(image =>
      wanted.some(w => sameImage(image, w)),
    );
    return images.length ? [{ ...release, images }] : [];
  });
}

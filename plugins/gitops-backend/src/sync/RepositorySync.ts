import { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { requesterOf } from '../actions';
import { CHART_SOURCE_KINDS } from '../charts';
import { EnvironmentConfig, RepositoryConfig } from '../config';
import {
  FluxObjectRecord,
  ReleaseRecord,
  SyncRecord,
  SyncStateStore,
} from '../database';
import { GitRepository } from '../git';
import { errorMessage } from '../kernel';
import { ParsedFileCache } from '../manifests';
import { GitopsMetrics, startTimer } from '../metrics';
import { environmentOf, sameEnvironments } from './environments';
import { FileRead, settleReleases } from './lastGoodState';
import {
  OverlayRead,
  readOverlayEnvironment,
  settleOverlay,
} from './overlayEnvironment';
import { OverlayFolders } from './overlayFolders';
import { checkReleaseFiles, readReleaseFiles } from './readReleaseFiles';
import { diffReleases } from './ReleaseChanges';
import { planSync, SyncPlan } from './syncPlan';

/**
 * Who asked for the head commit, when this plugin made it from Backstage:
 * the `Requested-by:` trailer of a commit under the repository's own author.
 * A trailer in anyone else's commit is text they wrote, not a record.
 */
function portalRequester(
  repository: RepositoryConfig,
  authorName: string,
  message: string,
): string | undefined {
  return authorName === repository.author.name
    ? requesterOf(message)
    : undefined;
}

const aborted = (): SyncOutcome => ({
  status: 'failed',
  error:
    'Aborted before storing anything: the task ran past its timeout or the backend is stopping',
});

export type SyncOutcome =
  | { status: 'unchanged'; commit: string }
  | {
      status: 'synced';
      commit: string;
      full: boolean;
      files: number;
      events: number;
    }
  /** Another sync (another replica's) stored a newer commit meanwhile: this one stored nothing. */
  | { status: 'superseded'; commit: string }
  | { status: 'failed'; error: string };

/**
 * A file renamed and broken in one commit was not deleted: the releases its
 * old path described are its last good state, and move with it to the new
 * path (which carries the problem), so that the fix replaces them as usual.
 */
function movedWithRename(
  plan: SyncPlan,
  keptPaths: Set<string>,
  before: ReleaseRecord[],
): ReleaseRecord[] {
  const moved: ReleaseRecord[] = [];
  for (const [path, oldPath] of plan.renamedFrom) {
    if (!keptPaths.has(path) || keptPaths.has(oldPath)) continue;
    for (const release of before) {
      if (release.sourcePath === oldPath)
        moved.push({ ...release, sourcePath: path });
    }
  }
  return moved;
}

/**
 * One repository's git sync: fetch, work out which files changed since the
 * stored commit (everything on the first sync or after a force-push), parse
 * only those, and store the result in one transaction. A fetch failure keeps
 * the last good state and records the error. A file that does not read
 * cleanly keeps the releases its last good version described, marked with
 * its problems, while every other file still syncs: only a deleted file, or
 * a document removed from a file that reads cleanly, removes a release.
 */
export class RepositorySync {
  private readonly clock: () => Date;
  /** An overlay's large kustomization files are parsed again only when they change. */
  private readonly parsedFiles = new ParsedFileCache();
  /** Which environment folders are overlays, carried from sync to sync. */
  private readonly overlayFolders = new OverlayFolders();

  constructor(
    private readonly options: {
      repository: RepositoryConfig;
      environments: EnvironmentConfig[];
      git: GitRepository;
      syncStateStore: SyncStateStore;
      logger: LoggerService;
      clock?: () => Date;
      /** Where each run's duration and outcome go; none when unset. */
      metrics?: GitopsMetrics;
    },
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * `signal` is the scheduler's: once aborted, the run stops before it writes.
   * Never throws: a failure is the repository's recorded error, and what was
   * stored before stays.
   */
  async run(signal?: AbortSignal): Promise<SyncOutcome> {
    const elapsed = startTimer();
    const outcome = await this.runOnce(signal);
    this.options.metrics?.syncFinished(
      this.options.repository.id,
      outcome.status,
      elapsed(),
    );
    return outcome;
  }

  private async runOnce(signal?: AbortSignal): Promise<SyncOutcome> {
    const { repository, syncStateStore, logger } = this.options;
    try {
      return await this.sync(signal);
    } catch (error) {
      const message = `Sync failed: ${errorMessage(error)}`;
      logger.error('Sync failed; keeping the last synced state', {
        repository: repository.id,
        error: message,
      });
      try {
        await syncStateStore.recordRepositoryFailure(
          repository.id,
          message,
          this.clock(),
        );
      } catch (recordError) {
        logger.error('Could not record the sync failure', {
          repository: repository.id,
          error: errorMessage(recordError),
        });
      }
      return { status: 'failed', error: message };
    }
  }

  private async sync(signal?: AbortSignal): Promise<SyncOutcome> {
    const { repository, git, syncStateStore, logger } = this.options;
    if (signal?.aborted) return aborted();
    // The stored commit is read while git fetches.
    const storedRead = syncStateStore
      .ensureRepository(repository)
      .then(() => syncStateStore.getRepository(repository.id));
    storedRead.catch(() => undefined); // awaited below; not unhandled meanwhile

    let head: string;
    try {
      head = await git.fetch();
    } catch (error) {
      await storedRead;
      if (signal?.aborted) return aborted();
      const message = errorMessage(error);
      await syncStateStore.recordRepositoryFailure(
        repository.id,
        message,
        this.clock(),
      );
      logger.warn('Fetch failed; keeping the last synced state', {
        repository: repository.id,
        error: message,
      });
      return { status: 'failed', error: message };
    }
    if (signal?.aborted) return aborted();

    const stored = await storedRead;
    const syncedAt = this.clock();
    if (stored?.lastCommit === head) {
      const applied = await this.store({
        repositoryId: repository.id,
        commit: head,
        expectedCommit: head,
        syncedAt,
        full: false,
        replacedPaths: [],
        releases: [],
        problems: [],
        events: [],
      });
      return applied
        ? { status: 'unchanged', commit: head }
        : { status: 'superseded', commit: head };
    }

    const plan = await planSync(
      {
        repository,
        git,
        syncStateStore,
        configured: this.options.environments,
        overlayFolders: this.overlayFolders,
      },
      stored?.lastCommit,
      head,
      syncedAt,
    );
    // Asked once the diff ran, which read the head's author and message on
    // its way (no process then); side by side with parsing otherwise.
    const info = git.commitInfo(head);
    info.catch(() => undefined); // awaited below; not unhandled meanwhile
    const files = await this.read(head, plan, syncedAt);
    const overlayReads = await this.readOverlays(head, plan, syncedAt);
    await checkReleaseFiles(
      git,
      syncStateStore,
      {
        repositoryId: repository.id,
        head,
        full: plan.full,
        changedPaths: plan.changedPaths,
        repositoryUrl: repository.url,
        // Only v2 chart sources need the repository's Flux objects.
        fluxObjects: [...files, ...overlayReads.flatMap(o => o.groups)].some(
          f => f.releases.some(c => c.record.chart.type === 'source'),
        )
          ? await this.fluxObjectsAtHead(plan, files, overlayReads)
          : [],
      },
      [...files, ...overlayReads.flatMap(o => o.groups)],
    );
    const overlayEnvironments = new Set(
      plan.overlays.map(o => o.environment.name),
    );
    // Files read one by one, and the distinct files overlays were read from.
    const filesRead =
      plan.replaced.size + new Set(overlayReads.flatMap(o => o.files)).size;
    const [storedBefore, { authorName, message }] = await Promise.all([
      syncStateStore.releasesFromPaths(
        repository.id,
        plan.full ? 'all' : [...plan.replaced],
      ),
      info,
    ]);
    const untouched = await this.untouchedHolders(plan, files, storedBefore);
    // Releases of overlays are replaced by environment, below.
    const before = storedBefore.filter(
      r => !overlayEnvironments.has(r.environment),
    );
    const { releases, problems, keptPaths } = settleReleases(
      files,
      before,
      untouched,
    );
    releases.push(...movedWithRename(plan, keptPaths, before));
    const overlays = overlayReads.map(settleOverlay);
    // What a broken file described stays as it was: no event, no removal.
    const replaced = [
      ...before.filter(r => !keptPaths.has(r.sourcePath)),
      ...overlayReads.flatMap(o => o.before),
    ];
    const replacedPaths = [...plan.replaced].filter(p => !keptPaths.has(p));
    const actor = portalRequester(repository, authorName, message);
    const { releases: releasesToStore, events } = diffReleases(
      replaced,
      [...releases, ...overlays.flatMap(o => o.releases)],
      {
        repositoryId: repository.id,
        commit: head,
        author: authorName,
        message: message.split('\n')[0],
        actor,
        at: syncedAt,
      },
    );
    problems.push(...overlays.flatMap(o => o.problems));
    const kept =
      keptPaths.size + overlays.reduce((n, o) => n + o.kept.length, 0);
    events.push({
      type: 'synced',
      repository: repository.id,
      commit: head,
      author: authorName,
      message: message.split('\n')[0],
      ...(actor ? { actor } : {}),
      at: syncedAt,
      details: {
        full: plan.full,
        files: filesRead,
        problems: problems.length,
        kept,
      },
    });

    if (signal?.aborted) return aborted();
    const currentOwn =
      plan.storedEnvironments ??
      (await syncStateStore.listEnvironments()).filter(
        e => e.repository === repository.id,
      );
    if (!sameEnvironments(currentOwn, plan.environments)) {
      await syncStateStore.replaceEnvironments(
        repository.id,
        plan.environments,
      );
    }
    const applied = await this.store({
      repositoryId: repository.id,
      commit: head,
      expectedCommit: stored?.lastCommit ?? null,
      syncedAt,
      full: plan.full,
      replacedPaths,
      keptPaths: [...keptPaths],
      replacedSources: {
        releases: overlays.flatMap(o => o.replaced.releases),
        fluxObjects: overlays.flatMap(o => o.replaced.fluxObjects),
        problems: overlays.flatMap(o => o.replaced.problems),
      },
      releases: releasesToStore,
      fluxObjects: [
        ...files
          .filter(f => !keptPaths.has(f.path))
          .flatMap(f => f.fluxObjects ?? []),
        ...overlays.flatMap(o => o.fluxObjects),
      ],
      problems,
      events,
    });
    if (!applied) return { status: 'superseded', commit: head };
    logger.info('Synced', {
      repository: repository.id,
      sha: head,
      full: plan.full,
      files: filesRead,
      releases: releasesToStore.length,
      problems: problems.length,
      keptFiles: keptPaths.size,
      overlays: plan.overlays.length,
      keptOverlayReleases: kept - keptPaths.size,
    });
    return {
      status: 'synced',
      commit: head,
      full: plan.full,
      files: filesRead,
      events: events.length,
    };
  }

  /**
   * Stores a sync unless another one (another replica's) stored a newer
   * commit since this one read the stored commit: then it is a no-op.
   */
  private async store(record: SyncRecord): Promise<boolean> {
    try {
      await this.options.syncStateStore.applySync(record);
      return true;
    } catch (error) {
      if (!isError(error) || error.name !== 'ConflictError') throw error;
      this.options.logger.info(
        'Sync superseded by a newer one; stored nothing',
        {
          repository: record.repositoryId,
          sha: record.commit,
          reason: error.message,
        },
      );
      return false;
    }
  }

  private async read(
    head: string,
    plan: SyncPlan,
    at: Date,
  ): Promise<FileRead[]> {
    const { repository, git } = this.options;
    const files = await readReleaseFiles(git, {
      repositoryId: repository.id,
      head,
      paths: plan.parse,
      environmentOf: path => environmentOf(path, plan.environments)?.name,
      at,
    });
    return [...files, ...(plan.clusterFiles ?? [])];
  }

  private async readOverlays(
    head: string,
    plan: SyncPlan,
    at: Date,
  ): Promise<OverlayRead[]> {
    const { repository, git, syncStateStore } = this.options;
    const context = {
      git,
      syncStateStore,
      repositoryId: repository.id,
      head,
      at,
      parsedFiles: this.parsedFiles,
    };
    // Side by side: one environment's git reads overlap another's parsing.
    return Promise.all(
      plan.overlays.map(async ({ environment, changed }) => {
        const read = await readOverlayEnvironment(
          context,
          environment,
          changed,
        );
        return read === 'full'
          ? ((await readOverlayEnvironment(
              context,
              environment,
            )) as OverlayRead)
          : read;
      }),
    );
  }

  /**
   * The repository's Flux objects as of the head, for chart sources: those
   * stored of files this sync does not replace, and those read now.
   */
  private async fluxObjectsAtHead(
    plan: SyncPlan,
    files: FileRead[],
    overlays: OverlayRead[],
  ): Promise<FluxObjectRecord[]> {
    const fresh = [
      ...files.flatMap(f => f.fluxObjects ?? []),
      ...overlays.flatMap(o => o.fluxObjects),
    ].filter(o => CHART_SOURCE_KINDS.includes(o.kind));
    if (plan.full) return fresh;
    const replacedFromOverlay = new Set(
      overlays.flatMap(o =>
        o.beforeFluxObjects.map(f => JSON.stringify([f.environment, f.path])),
      ),
    );
    const stored = (
      await this.options.syncStateStore.listFluxObjects(
        this.options.repository.id,
        CHART_SOURCE_KINDS,
      )
    ).filter(
      o =>
        !plan.replaced.has(o.path) &&
        !replacedFromOverlay.has(JSON.stringify([o.environment, o.path])),
    );
    return [...stored, ...fresh];
  }

  /**
   * Stored releases of other files that share a name with a release read in
   * this sync; a full sync reads every file, so there are none.
   */
  private async untouchedHolders(
    plan: SyncPlan,
    files: FileRead[],
    storedBefore: ReleaseRecord[],
  ): Promise<ReleaseRecord[]> {
    if (plan.full) return [];
    // A name is stored once: one held by a replaced file has no other holder.
    const keyOf = (r: ReleaseRecord) =>
      JSON.stringify([r.environment, r.namespace, r.name]);
    const replacedKeys = new Set(storedBefore.map(keyOf));
    const holders: ReleaseRecord[] = [];
    for (const { record } of files.flatMap(f => f.releases)) {
      if (replacedKeys.has(keyOf(record))) continue;
      const { environment, namespace, name } = record;
      const existing = await this.options.syncStateStore.getRelease({
        environment,
        namespace,
        name,
      });
      if (existing && !plan.replaced.has(existing.sourcePath))
        holders.push(existing);
    }
    return holders;
  }
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { changesSince, planReads } from '../changes';
import { EnvironmentConfig, RepositoryConfig } from '../config';
import { ReleaseRecord, SyncStateStore } from '../database';
import { GitRepository, GitTreeEntry } from '../git';
import { errorMessage } from '../kernel';
import { isManifestPath } from '../manifests';
import {
  environmentOf,
  resolveEnvironments,
  sameEnvironments,
} from './environments';
import { FileRead, settleReleases } from './lastGoodState';
import { readReleaseFiles } from './readReleaseFiles';
import { diffReleases } from './ReleaseChanges';

const aborted = (): SyncOutcome => ({
  status: 'failed',
  error: 'Aborted before storing anything: the task ran past its timeout or the backend is stopping',
});

export type SyncOutcome =
  | { status: 'unchanged'; commit: string }
  | { status: 'synced'; commit: string; full: boolean; files: number; events: number }
  | { status: 'failed'; error: string };

type Plan = {
  full: boolean;
  environments: GitopsEnvironment[];
  /** Files whose stored releases and problems this sync replaces. */
  replaced: Set<string>;
  /** Of those, the ones that still exist and get parsed. */
  parse: Set<string>;
  /** Every path the diff touched; empty for a full sync. */
  changedPaths: string[];
  /** Renamed files: new path -> old path, for files of environments. */
  renamedFrom: Map<string, string>;
};

/**
 * A file renamed and broken in one commit was not deleted: the releases its
 * old path described are its last good state, and move with it to the new
 * path (which carries the problem), so that the fix replaces them as usual.
 */
function movedWithRename(
  plan: Plan,
  keptPaths: Set<string>,
  before: ReleaseRecord[],
): ReleaseRecord[] {
  const moved: ReleaseRecord[] = [];
  for (const [path, oldPath] of plan.renamedFrom) {
    if (!keptPaths.has(path) || keptPaths.has(oldPath)) continue;
    for (const release of before) {
      if (release.sourcePath === oldPath) moved.push({ ...release, sourcePath: path });
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

  constructor(
    private readonly options: {
      repository: RepositoryConfig;
      environments: EnvironmentConfig[];
      git: GitRepository;
      syncStateStore: SyncStateStore;
      logger: LoggerService;
      clock?: () => Date;
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
        await syncStateStore.recordRepositoryFailure(repository.id, message, this.clock());
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
    await syncStateStore.ensureRepository(repository);

    let head: string;
    try {
      head = await git.fetch();
    } catch (error) {
      if (signal?.aborted) return aborted();
      const message = errorMessage(error);
      await syncStateStore.recordRepositoryFailure(repository.id, message, this.clock());
      logger.warn('Fetch failed; keeping the last synced state', {
        repository: repository.id,
        error: message,
      });
      return { status: 'failed', error: message };
    }
    if (signal?.aborted) return aborted();

    const stored = await syncStateStore.getRepository(repository.id);
    const syncedAt = this.clock();
    if (stored?.lastCommit === head) {
      await syncStateStore.applySync({
        repositoryId: repository.id,
        commit: head,
        syncedAt,
        full: false,
        replacedPaths: [],
        releases: [],
        problems: [],
        events: [],
      });
      return { status: 'unchanged', commit: head };
    }

    // Independent reads run side by side with planning and parsing.
    const info = git.commitInfo(head);
    info.catch(() => undefined); // awaited below; not unhandled meanwhile
    const plan = await this.plan(stored?.lastCommit, head);
    const files = await this.read(head, plan, syncedAt);
    const [before, untouched, { authorName, message }] = await Promise.all([
      syncStateStore.releasesFromPaths(repository.id, plan.full ? 'all' : [...plan.replaced]),
      this.untouchedHolders(plan, files),
      info,
    ]);
    const { releases, problems, keptPaths } = settleReleases(files, before, untouched);
    releases.push(...movedWithRename(plan, keptPaths, before));
    // What a broken file described stays as it was: no event, no removal.
    const replaced = before.filter(r => !keptPaths.has(r.sourcePath));
    const replacedPaths = [...plan.replaced].filter(p => !keptPaths.has(p));
    const { releases: releasesToStore, events } = diffReleases(replaced, releases, {
      repositoryId: repository.id,
      commit: head,
      author: authorName,
      message: message.split('\n')[0],
      at: syncedAt,
    });
    events.push({
      type: 'synced',
      repository: repository.id,
      commit: head,
      author: authorName,
      message: message.split('\n')[0],
      at: syncedAt,
      details: {
        full: plan.full,
        files: plan.replaced.size,
        problems: problems.length,
        kept: keptPaths.size,
      },
    });

    if (signal?.aborted) return aborted();
    const current = await syncStateStore.listEnvironments();
    const currentOwn = current.filter(e => e.repository === repository.id);
    if (!sameEnvironments(currentOwn, plan.environments)) {
      await syncStateStore.replaceEnvironments(repository.id, plan.environments);
    }
    await syncStateStore.applySync({
      repositoryId: repository.id,
      commit: head,
      syncedAt,
      full: plan.full,
      replacedPaths,
      keptPaths: [...keptPaths],
      releases: releasesToStore,
      fluxObjects: files
        .filter(f => !keptPaths.has(f.path))
        .flatMap(f => f.fluxObjects ?? []),
      problems,
      events,
    });
    logger.info('Synced', {
      repository: repository.id,
      sha: head,
      full: plan.full,
      files: plan.replaced.size,
      releases: releasesToStore.length,
      problems: problems.length,
      keptFiles: keptPaths.size,
    });
    return {
      status: 'synced',
      commit: head,
      full: plan.full,
      files: plan.replaced.size,
      events: events.length,
    };
  }

  /**
   * Which files this sync reads and replaces: the changes since the stored
   * commit (`src/changes`), within the repository's environments.
   */
  private async plan(previous: string | undefined, head: string): Promise<Plan> {
    const { repository, git, syncStateStore, environments: configured } = this.options;
    const explicit = configured.some(env => env.repository === repository.id);
    const changes = await changesSince(git, previous, head);

    let environments: GitopsEnvironment[];
    let releasesTree: GitTreeEntry[] | undefined;
    // Only an added, deleted or renamed file can add or remove a folder.
    const foldersMayHaveChanged =
      !changes.full &&
      changes.changes.some(
        c =>
          c.status !== 'M' &&
          [c.path, c.oldPath].some(p => p?.startsWith('releases/')),
      );
    if (!explicit && (changes.full || foldersMayHaveChanged)) {
      releasesTree = await git.listTree(head, 'releases');
      environments = resolveEnvironments(repository.id, configured, releasesTree);
    } else if (explicit) {
      environments = resolveEnvironments(repository.id, configured, []);
    } else {
      environments = (await syncStateStore.listEnvironments()).filter(
        e => e.repository === repository.id,
      );
    }
    const inEnvironment = (path: string) =>
      isManifestPath(path) && environmentOf(path, environments) !== undefined;

    const reads = await planReads(changes, {
      reads: inEnvironment,
      listAll: async () => {
        const files: string[] = [];
        for (const env of environments) {
          const tree =
            releasesTree && env.path.startsWith('releases/')
              ? releasesTree.filter(e => e.path.startsWith(`${env.path}/`))
              : await git.listTree(head, env.path);
          tree
            .filter(e => e.type === 'blob' && inEnvironment(e.path))
            .forEach(e => files.push(e.path));
        }
        return files;
      },
      chartUsers: folders =>
        syncStateStore.sourcePathsForCharts(repository.id, folders),
    });
    return {
      full: reads.full,
      environments,
      replaced: new Set([
        ...reads.read,
        ...[...reads.removed].filter(inEnvironment),
      ]),
      parse: reads.read,
      changedPaths: reads.changedPaths,
      renamedFrom: reads.renamedFrom,
    };
  }

  private read(head: string, plan: Plan, at: Date): Promise<FileRead[]> {
    const { repository, git, syncStateStore } = this.options;
    return readReleaseFiles(git, syncStateStore, {
      repositoryId: repository.id,
      head,
      full: plan.full,
      changedPaths: plan.changedPaths,
      paths: plan.parse,
      environments: plan.environments,
      at,
    });
  }

  /**
   * Stored releases of other files that share a name with a release read in
   * this sync; a full sync reads every file, so there are none.
   */
  private async untouchedHolders(plan: Plan, files: FileRead[]): Promise<ReleaseRecord[]> {
    if (plan.full) return [];
    const holders: ReleaseRecord[] = [];
    for (const { record } of files.flatMap(f => f.releases)) {
      const { environment, namespace, name } = record;
      const existing = await this.options.syncStateStore.getRelease({ environment, namespace, name });
      if (existing && !plan.replaced.has(existing.sourcePath)) holders.push(existing);
    }
    return holders;
  }
}

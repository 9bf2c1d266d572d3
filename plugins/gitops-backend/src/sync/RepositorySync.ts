import { LoggerService } from '@backstage/backend-plugin-api';
import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { changesSince, CommitChanges, planReads } from '../changes';
import { EnvironmentConfig, RepositoryConfig } from '../config';
import { FluxObjectRecord, ReleaseRecord, SyncStateStore } from '../database';
import { GitRepository, GitTreeEntry } from '../git';
import { errorMessage } from '../kernel';
import {
  folderOf,
  isManifestPath,
  isWithin,
  KUSTOMIZATION_FILE_NAMES,
} from '../manifests';
import {
  environmentOf,
  RELEASES_FOLDER,
  resolveEnvironments,
  sameEnvironments,
} from './environments';
import { CLUSTERS_FOLDER, clusterKustomizations, clusterOf } from './fluxEnvironments';
import { FileRead, settleReleases } from './lastGoodState';
import { OverlayRead, readOverlayEnvironment, settleOverlay } from './overlayEnvironment';
import { checkReleaseFiles, readReleaseFiles } from './readReleaseFiles';
import { diffReleases } from './ReleaseChanges';

/** `a/b/c.yaml` -> `a`, `a/b`. */
const foldersOf = (path: string) => {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
};

const isKustomizationFile = (path: string) =>
  (KUSTOMIZATION_FILE_NAMES as readonly string[]).includes(path.slice(path.lastIndexOf('/') + 1));

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
  /** Files whose stored releases, Flux objects and problems this sync replaces. */
  replaced: Set<string>;
  /** Of those, the files of environments read one by one. */
  parse: Set<string>;
  /** Files under `clusters/` read (Flux objects only), when any were. */
  clusterFiles?: FileRead[];
  /** Environments read as kustomize overlays, and what changed for each (unset: all of it). */
  overlays: Array<{ environment: GitopsEnvironment; changed?: Set<string> }>;
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
    const plan = await this.plan(stored?.lastCommit, head, syncedAt);
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
        fluxObjects: await this.fluxObjectsAtHead(plan, files, overlayReads),
      },
      [...files, ...overlayReads.flatMap(o => o.groups)],
    );
    const overlayEnvironments = new Set(plan.overlays.map(o => o.environment.name));
    const [storedBefore, untouched, { authorName, message }] = await Promise.all([
      syncStateStore.releasesFromPaths(repository.id, plan.full ? 'all' : [...plan.replaced]),
      this.untouchedHolders(plan, files),
      info,
    ]);
    // Releases of overlays are replaced by environment, below.
    const before = storedBefore.filter(r => !overlayEnvironments.has(r.environment));
    const { releases, problems, keptPaths } = settleReleases(files, before, untouched);
    releases.push(...movedWithRename(plan, keptPaths, before));
    const overlays = overlayReads.map(settleOverlay);
    // What a broken file described stays as it was: no event, no removal.
    const replaced = [
      ...before.filter(r => !keptPaths.has(r.sourcePath)),
      ...overlayReads.flatMap(o => o.before),
    ];
    const replacedPaths = [...plan.replaced].filter(p => !keptPaths.has(p));
    const { releases: releasesToStore, events } = diffReleases(
      replaced,
      [...releases, ...overlays.flatMap(o => o.releases)],
      {
        repositoryId: repository.id,
        commit: head,
        author: authorName,
        message: message.split('\n')[0],
        at: syncedAt,
      },
    );
    problems.push(...overlays.flatMap(o => o.problems));
    const kept = keptPaths.size + overlays.reduce((n, o) => n + o.kept.length, 0);
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
        kept,
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
      replacedSources: {
        releases: overlays.flatMap(o => o.replaced.releases),
        fluxObjects: overlays.flatMap(o => o.replaced.fluxObjects),
        problems: overlays.flatMap(o => o.replaced.problems),
      },
      releases: releasesToStore,
      fluxObjects: [
        ...files.filter(f => !keptPaths.has(f.path)).flatMap(f => f.fluxObjects ?? []),
        ...overlays.flatMap(o => o.fluxObjects),
      ],
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
      overlays: plan.overlays.length,
      keptOverlayReleases: kept - keptPaths.size,
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
   * commit (`src/changes`), within the repository's environments, plus the
   * files under `clusters/` (Flux objects, and the Kustomizations that
   * describe environments) and the overlays those changes reach.
   */
  private async plan(previous: string | undefined, head: string, at: Date): Promise<Plan> {
    const { repository, git, syncStateStore, environments: configured } = this.options;
    const own = configured.filter(env => env.repository === repository.id);
    const changes = await changesSince(git, previous, head);
    const changed = changes.full
      ? []
      : changes.changes.flatMap(c => (c.oldPath ? [c.path, c.oldPath] : [c.path]));
    const full = changes.full;

    // clusters/: every file when any changed, for its Kustomizations.
    const clustersTouched = full || changed.some(p => isWithin(p, CLUSTERS_FOLDER));
    const inConfigured = (path: string) => own.some(env => isWithin(path, env.path));
    let clusterFiles: FileRead[] | undefined;
    if (clustersTouched) {
      const tree = await git.listTree(head, CLUSTERS_FOLDER);
      clusterFiles = await readReleaseFiles(git, {
        repositoryId: repository.id,
        head,
        paths: tree
          .filter(e => e.type === 'blob' && isManifestPath(e.path) && !inConfigured(e.path))
          .map(e => e.path),
        environmentOf: () => undefined,
        fluxEnvironmentOf: clusterOf,
        at,
      });
    }
    // A file of clusters/ that does not read cleanly keeps its last good
    // Kustomizations, so that no environment goes for a misread.
    const storedKustomizations = await syncStateStore.listFluxObjects(repository.id, ['Kustomization']);
    const brokenClusterFiles = new Set((clusterFiles ?? []).filter(f => f.broken).map(f => f.path));
    const kustomizations = clusterKustomizations(
      clusterFiles
        ? [
            ...clusterFiles.filter(f => !f.broken).flatMap(f => f.fluxObjects ?? []),
            ...storedKustomizations.filter(o => brokenClusterFiles.has(o.path)),
          ]
        : storedKustomizations,
    );
    // Whether each folder exists matters only when environments are derived.
    const folderExists = new Map<string, boolean>();
    const listFolders = async () => {
      for (const k of kustomizations) {
        if (!folderExists.has(k.folder)) {
          folderExists.set(k.folder, (await git.listTree(head, k.folder)).length > 0);
        }
      }
    };
    const flux = { kustomizations, folderExists: (f: string) => folderExists.get(f) ?? false };

    let environments: GitopsEnvironment[];
    let releasesTree: GitTreeEntry[] | undefined;
    // Only an added, deleted or renamed file can add or remove a folder.
    const foldersMayHaveChanged =
      !full &&
      !changes.full &&
      changes.changes.some(
        c =>
          c.status !== 'M' &&
          [c.path, c.oldPath].some(p => p?.startsWith(`${RELEASES_FOLDER}/`)),
      );
    if (own.length === 0 && (full || foldersMayHaveChanged || clustersTouched)) {
      releasesTree = await git.listTree(head, RELEASES_FOLDER);
      if (!releasesTree.some(e => e.type === 'tree')) await listFolders();
      environments = resolveEnvironments(repository.id, configured, releasesTree, flux);
    } else if (own.length > 0) {
      environments = resolveEnvironments(repository.id, configured, [], flux);
    } else {
      environments = (await syncStateStore.listEnvironments()).filter(
        e => e.repository === repository.id,
      );
    }
    // Environments that clusters/ adds, moves or removes are read anew.
    if (!full && clustersTouched) {
      const stored = (await syncStateStore.listEnvironments()).filter(e => e.repository === repository.id);
      if (!sameEnvironments(stored, environments)) return this.plan(undefined, head, at);
    }
    // A Flux object of clusters/<env>/ belongs to the environment <env>.
    const names = new Set(environments.map(e => e.name));
    for (const file of clusterFiles ?? []) {
      file.fluxObjects = file.fluxObjects?.map(({ environment, ...o }) =>
        environment && names.has(environment) ? { ...o, environment } : o,
      );
    }

    // Which environments are overlays: listed where the diff reaches them.
    const trees = new Map<string, GitTreeEntry[]>();
    const treeOf = async (env: GitopsEnvironment) => {
      if (!trees.has(env.name)) {
        trees.set(
          env.name,
          releasesTree && env.path.startsWith(`${RELEASES_FOLDER}/`)
            ? releasesTree.filter(e => e.path.startsWith(`${env.path}/`))
            : await git.listTree(head, env.path),
        );
      }
      return trees.get(env.name)!;
    };
    const isOverlay = async (env: GitopsEnvironment) =>
      (await treeOf(env)).some(
        e => e.type === 'blob' && KUSTOMIZATION_FILE_NAMES.some(n => e.path === `${env.path}/${n}`),
      );
    const overlayNames = new Set<string>();
    if (full) {
      for (const env of environments) if (await isOverlay(env)) overlayNames.add(env.name);
    } else {
      for (const env of environments) {
        if (changed.some(p => isWithin(p, env.path)) && (await isOverlay(env))) {
          overlayNames.add(env.name);
        }
      }
      // Bases outside the environment's folder: known from what was built from them.
      for (const name of await this.environmentsBuiltFrom(changed, environments)) {
        overlayNames.add(name);
      }
    }
    // A folder becoming an overlay, or ceasing to be one, is read anew.
    const shapeChanged =
      !changes.full &&
      changes.changes.some(
        c =>
          c.status !== 'M' &&
          [c.path, c.oldPath].some(
            p => p !== undefined && isKustomizationFile(p) && environments.some(e => folderOf(p) === e.path),
          ),
      );
    if (shapeChanged) return this.plan(undefined, head, at);
    // Releases of overlays whose chart folder changed: their environments
    // re-derive them (a classic file's chart users are read as usual).
    const chartFolders = [...new Set(changed.flatMap(foldersOf))];
    const overlayChartUsers = chartFolders.length === 0 ? [] : (
      await syncStateStore.releasesFromPaths(
        repository.id,
        await syncStateStore.sourcePathsForCharts(repository.id, chartFolders),
      )
    ).filter(r => r.builtFrom?.length || !isWithin(r.sourcePath, environments.find(e => e.name === r.environment)?.path ?? ''));
    overlayChartUsers.forEach(r => overlayNames.add(r.environment));
    const overlayEnvironments = environments.filter(e => overlayNames.has(e.name));
    const classic = environments.filter(e => !overlayNames.has(e.name));

    const inEnvironment = (path: string) =>
      isManifestPath(path) && environmentOf(path, environments) !== undefined;
    const inClassic = (path: string) =>
      isManifestPath(path) && environmentOf(path, classic) !== undefined &&
      !overlayNames.has(environmentOf(path, environments)!.name);
    const reads = await planReads(full ? { full: true } : changes, {
      reads: inClassic,
      listAll: async () => {
        const files: string[] = [];
        for (const env of classic) {
          (await treeOf(env))
            .filter(e => e.type === 'blob' && inClassic(e.path))
            .forEach(e => files.push(e.path));
        }
        return files;
      },
      chartUsers: folders =>
        syncStateStore.sourcePathsForCharts(repository.id, folders),
    });
    // Chart users inside overlays re-derive there, as if they had changed.
    const chartUsers = [
      ...[...reads.read].filter(p => !inClassic(p)),
      ...overlayChartUsers.map(r => r.sourcePath),
    ];
    const parse = new Set([...reads.read].filter(inClassic));

    const overlays = overlayEnvironments.map(environment =>
      full || this.rereadsWhole(environment, changes)
        ? { environment }
        : { environment, changed: new Set([...changed, ...chartUsers]) },
    );
    return {
      full: reads.full,
      environments,
      replaced: new Set([
        ...parse,
        ...[...reads.removed].filter(p => inEnvironment(p) && !overlayNames.has(environmentOf(p, environments)!.name)),
        ...(clusterFiles ?? []).map(f => f.path),
        ...[...reads.removed].filter(p => isWithin(p, CLUSTERS_FOLDER) && !inEnvironment(p)),
      ]),
      parse,
      clusterFiles,
      overlays,
      changedPaths: reads.changedPaths,
      renamedFrom: reads.renamedFrom,
    };
  }

  /**
   * Whether a diff changes an overlay's shape rather than only the contents
   * of files it reads: a kustomization file, or a file added, removed or
   * renamed in its folder. Then the whole environment is read again.
   */
  private rereadsWhole(environment: GitopsEnvironment, changes: CommitChanges): boolean {
    if (changes.full) return true;
    return changes.changes.some(c =>
      [c.path, c.oldPath].some(
        p =>
          p !== undefined &&
          !isWithin(p, CLUSTERS_FOLDER) &&
          (isKustomizationFile(p) || (c.status !== 'M' && isWithin(p, environment.path))),
      ),
    );
  }

  /** Environments with stored releases or Flux objects built from these files outside their own folder. */
  private async environmentsBuiltFrom(
    changed: string[],
    environments: GitopsEnvironment[],
  ): Promise<Set<string>> {
    const { repository, syncStateStore } = this.options;
    const names = new Set<string>();
    if (changed.length === 0) return names;
    const byName = new Map(environments.map(e => [e.name, e]));
    const outside = (environment: string | undefined, path: string) => {
      const env = environment === undefined ? undefined : byName.get(environment);
      return env !== undefined && !isWithin(path, env.path) && !isWithin(path, CLUSTERS_FOLDER);
    };
    const sources = await syncStateStore.sourcePathsBuiltFrom(repository.id, changed);
    for (const release of await syncStateStore.releasesFromPaths(repository.id, [...new Set([...sources, ...changed])])) {
      if (release.builtFrom?.length || outside(release.environment, release.sourcePath)) {
        names.add(release.environment);
      }
    }
    const paths = new Set(changed);
    for (const object of await syncStateStore.listFluxObjects(repository.id)) {
      if (paths.has(object.path) && outside(object.environment, object.path)) {
        names.add(object.environment!);
      }
    }
    return names;
  }

  private async read(head: string, plan: Plan, at: Date): Promise<FileRead[]> {
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

  private async readOverlays(head: string, plan: Plan, at: Date): Promise<OverlayRead[]> {
    const { repository, git, syncStateStore } = this.options;
    const context = { git, syncStateStore, repositoryId: repository.id, head, at };
    const reads: OverlayRead[] = [];
    for (const { environment, changed } of plan.overlays) {
      let read = await readOverlayEnvironment(context, environment, changed);
      if (read === 'full') read = (await readOverlayEnvironment(context, environment)) as OverlayRead;
      reads.push(read);
    }
    return reads;
  }

  /**
   * The repository's Flux objects as of the head, for chart sources: those
   * stored of files this sync does not replace, and those read now.
   */
  private async fluxObjectsAtHead(
    plan: Plan,
    files: FileRead[],
    overlays: OverlayRead[],
  ): Promise<FluxObjectRecord[]> {
    const fresh = [
      ...files.flatMap(f => f.fluxObjects ?? []),
      ...overlays.flatMap(o => o.fluxObjects),
    ];
    if (plan.full) return fresh;
    const replacedFromOverlay = new Set(
      overlays.flatMap(o => o.beforeFluxObjects.map(f => JSON.stringify([f.environment, f.path]))),
    );
    const stored = (await this.options.syncStateStore.listFluxObjects(this.options.repository.id)).filter(
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

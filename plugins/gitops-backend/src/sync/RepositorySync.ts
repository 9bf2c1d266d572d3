import { LoggerService } from '@backstage/backend-plugin-api';
import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { EnvironmentConfig, RepositoryConfig } from '../config/GitopsConfig';
import {
  FileProblem,
  ReleaseRecord,
  SyncStateStore,
} from '../database/SyncStateStore';
import { GitRepository, GitTreeEntry } from '../git';
import {
  checkChartPath,
  HelmReleaseManifest,
  isManifestPath,
  MANIFEST_LIMITS,
  parseChartYaml,
  parseManifestFile,
} from '../manifests';
import {
  environmentOf,
  resolveEnvironments,
  sameEnvironments,
} from './environments';
import { unstorableReason } from '../database/storableValues';
import { CandidateRelease, FileRead, settleReleases } from './lastGoodState';
import { diffReleases } from './ReleaseChanges';

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

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

function ancestorsOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

function toRecord(
  manifest: HelmReleaseManifest,
  environment: string,
  repositoryId: string,
  commit: string,
  at: Date,
): ReleaseRecord {
  return {
    repository: repositoryId,
    environment,
    namespace: manifest.namespace,
    name: manifest.name,
    releaseName: manifest.releaseName,
    apiVersion: manifest.apiVersion,
    chart: manifest.chart,
    chartName: manifest.chartName,
    chartVersion:
      manifest.chart.type === 'repository'
        ? manifest.chart.version
        : manifest.chart.type === 'source'
        ? manifest.chart.version
        : undefined,
    labels: manifest.labels,
    annotations: manifest.annotations,
    automated: manifest.automated,
    locked: manifest.locked,
    images: manifest.images.map(image => ({
      container: image.container,
      registry: image.registry,
      repository: image.repository,
      tag: image.tag,
      policy: image.policy,
      paths: Object.fromEntries(
        Object.entries(image.paths).filter(([, v]) => v !== undefined),
      ) as Record<string, string>,
    })),
    sourcePath: manifest.source.path,
    spec: manifest.spec,
    commit,
    updatedAt: at.toISOString(),
  };
}

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
      const message = `Sync failed: ${messageOf(error)}`;
      logger.error('Sync failed; keeping the last synced state', {
        repository: repository.id,
        error: message,
      });
      try {
        await syncStateStore.recordRepositoryFailure(repository.id, message, this.clock());
      } catch (recordError) {
        logger.error('Could not record the sync failure', {
          repository: repository.id,
          error: messageOf(recordError),
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
      const message = messageOf(error);
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

  private async plan(previous: string | undefined, head: string): Promise<Plan> {
    const { repository, git, syncStateStore, environments: configured } = this.options;
    const explicit = configured.some(env => env.repository === repository.id);
    // isAncestor is false too when the stored commit is unknown here (a new
    // working copy); the diff runs alongside and is dropped then.
    const [incremental, diff] = previous
      ? await Promise.all([
          git.isAncestor(previous, head),
          git.diff(previous, head).catch(() => undefined),
        ])
      : [false, undefined];
    const changes = incremental && diff ? diff : [];

    let environments: GitopsEnvironment[];
    let releasesTree: GitTreeEntry[] | undefined;
    // Only an added, deleted or renamed file can add or remove a folder.
    const foldersMayHaveChanged = changes.some(
      c =>
        c.status !== 'M' &&
        [c.path, c.oldPath].some(p => p?.startsWith('releases/')),
    );
    if (!explicit && (!incremental || foldersMayHaveChanged)) {
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

    if (!incremental) {
      const files = new Set<string>();
      for (const env of environments) {
        const tree =
          releasesTree && env.path.startsWith('releases/')
            ? releasesTree.filter(e => e.path.startsWith(`${env.path}/`))
            : await git.listTree(head, env.path);
        tree
          .filter(e => e.type === 'blob' && inEnvironment(e.path))
          .forEach(e => files.add(e.path));
      }
      return {
        full: true,
        environments,
        replaced: files,
        parse: files,
        changedPaths: [],
        renamedFrom: new Map(),
      };
    }

    const replaced = new Set<string>();
    const parse = new Set<string>();
    const touchedFolders = new Set<string>();
    const renamedFrom = new Map<string, string>();
    for (const change of changes) {
      if (change.oldPath && inEnvironment(change.oldPath)) {
        replaced.add(change.oldPath);
        renamedFrom.set(change.path, change.oldPath);
      }
      if (inEnvironment(change.path)) {
        replaced.add(change.path);
        if (change.status !== 'D') parse.add(change.path);
      }
      for (const path of [change.path, change.oldPath]) {
        if (path) ancestorsOf(path).forEach(f => touchedFolders.add(f));
      }
    }
    // A changed chart re-parses the releases that use it, so their chart
    // version and revision follow.
    for (const path of await syncStateStore.sourcePathsForCharts(repository.id, [
      ...touchedFolders,
    ])) {
      replaced.add(path);
      parse.add(path);
    }
    return {
      full: false,
      environments,
      replaced,
      parse,
      changedPaths: changes.flatMap(c => (c.oldPath ? [c.path, c.oldPath] : [c.path])),
      renamedFrom,
    };
  }

  /**
   * Reads every file the plan names. A file does not read cleanly when it is
   * over the size limit, did not parse completely (syntax, encoding, a field
   * of the wrong type, limits), names a chart path that is refused, or holds
   * a value the store cannot keep; such a file contributes no release.
   */
  private async read(head: string, plan: Plan, at: Date): Promise<FileRead[]> {
    const { repository, git } = this.options;
    const paths = [...plan.parse].sort();
    const contents = await git.readFiles(head, paths, {
      maxBytes: MANIFEST_LIMITS.maxFileBytes,
    });

    const files: FileRead[] = [];
    for (const path of paths) {
      const environment = environmentOf(path, plan.environments)!.name;
      const content = contents.get(path);
      if (content === undefined) continue; // not a file (a submodule): gone
      if (!Buffer.isBuffer(content)) {
        files.push({
          path,
          environment,
          broken: true,
          releases: [],
          problems: [
            {
              environment,
              path,
              message: `File is ${content.tooLarge} bytes, over the limit of ${MANIFEST_LIMITS.maxFileBytes}`,
            },
          ],
        });
        continue;
      }
      const parsed = parseManifestFile(path, content);
      files.push({
        path,
        environment,
        broken: !parsed.complete,
        problems: parsed.errors.map(e => ({ ...e, environment })),
        releases: parsed.helmReleases
          .filter(manifest => !manifest.ignored)
          .map(manifest => ({
            record: toRecord(manifest, environment, repository.id, head, at),
            source: manifest.source,
          })),
      });
    }

    const candidates = files.flatMap(f => f.releases);
    const chartProblems = await this.resolveCharts(head, plan, candidates);
    const byPath = new Map(files.map(f => [f.path, f]));
    for (const problem of chartProblems) {
      const file = byPath.get(problem.path)!;
      file.problems.push(problem);
      if (problem.blocking) file.broken = true;
    }
    for (const file of files) {
      for (const { record, source } of file.releases) {
        const reason = unstorableReason(record);
        if (reason === undefined) continue;
        file.broken = true;
        file.problems.push({
          environment: file.environment,
          path: file.path,
          line: source.line,
          message: `HelmRelease in document ${source.document} cannot be stored: ${reason}`,
        });
      }
    }
    return files;
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

  /**
   * Fills chart version and revision of git charts from Chart.yaml. Returns
   * the problems found; a refused chart path is blocking (the release cannot
   * be stored as written), a missing Chart.yaml only leaves the version unset.
   */
  private async resolveCharts(
    head: string,
    plan: Plan,
    candidates: CandidateRelease[],
  ): Promise<FileProblem[]> {
    const { git, syncStateStore, repository } = this.options;
    const problems: FileProblem[] = [];
    const gitCharts = candidates.map(c => c.record).filter(r => r.chart.type === 'git');
    if (gitCharts.length === 0) return problems;

    let folders = [
      ...new Set(gitCharts.map(r => (r.chart as { path: string }).path)),
    ];
    // A chart folder the diff did not touch keeps what the store knows of
    // it: no tree listing, no Chart.yaml read.
    if (!plan.full) {
      const touched = (folder: string) =>
        plan.changedPaths.some(
          p => p === folder || p.startsWith(`${folder}/`) || folder.startsWith(`${p}/`),
        );
      const reused = new Set<string>();
      for (const folder of folders) {
        if (touched(folder)) continue;
        const known = await syncStateStore.chartOf(
          repository.id,
          folder.replace(/^\.\//, '').replace(/\/+$/, ''),
        );
        if (!known) continue;
        for (const record of gitCharts) {
          if ((record.chart as { path: string }).path !== folder) continue;
          record.chartPath = known.chartPath;
          record.chartVersion = known.chartVersion;
          record.chartRevision = known.chartRevision;
        }
        reused.add(folder);
      }
      folders = folders.filter(f => !reused.has(f));
      if (folders.length === 0) return problems;
    }
    const modes = new Map<string, string>();
    const shas = new Map<string, string>();
    const trees: GitTreeEntry[] = [];
    for (const folder of folders) {
      const normalized = folder.replace(/^\.\//, '').replace(/\/+$/, '');
      if (normalized.startsWith('/') || normalized.split('/').includes('..')) {
        continue; // checkChartPath reports it below
      }
      const top = normalized.split('/')[0];
      trees.push(...(await git.listTree(head, top)));
    }
    for (const entry of trees) {
      modes.set(entry.path, entry.mode);
      shas.set(entry.path, entry.sha);
    }

    const valid = new Map<string, string>(); // chart path as written -> normalized
    for (const folder of folders) {
      const check = checkChartPath(folder, modes);
      if (check.ok) valid.set(folder, check.normalized);
    }
    const chartFiles = await git.readFiles(
      head,
      [...new Set(valid.values())].map(p => `${p}/Chart.yaml`),
      { maxBytes: MANIFEST_LIMITS.maxFileBytes },
    );
    const metadata = new Map<string, { version?: string; error?: string }>();
    for (const normalized of new Set(valid.values())) {
      const content = chartFiles.get(`${normalized}/Chart.yaml`);
      if (!content || !Buffer.isBuffer(content)) {
        metadata.set(normalized, { error: `No Chart.yaml in ${normalized}` });
        continue;
      }
      const chart = parseChartYaml(`${normalized}/Chart.yaml`, content);
      metadata.set(
        normalized,
        'version' in chart ? { version: chart.version } : { error: chart.message },
      );
    }

    for (const { record, source } of candidates) {
      if (record.chart.type !== 'git' || !folders.includes(record.chart.path)) {
        continue;
      }
      const folder = record.chart.path;
      const check = checkChartPath(folder, modes);
      if (!check.ok) {
        problems.push({
          environment: record.environment,
          path: source.path,
          line: source.line,
          message: `Chart path "${folder}" rejected: ${check.message}`,
          blocking: true,
        });
        continue;
      }
      const meta = metadata.get(check.normalized)!;
      if (meta.error) {
        problems.push({
          environment: record.environment,
          path: source.path,
          line: source.line,
          message: `Chart ${check.normalized}: ${meta.error}`,
        });
      }
      record.chartPath = check.normalized;
      record.chartVersion = meta.version;
      record.chartRevision = shas.get(check.normalized);
    }
    return problems;
  }
}

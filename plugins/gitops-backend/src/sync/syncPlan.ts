import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { changesSince, CommitChanges, planReads } from '../changes';
import { EnvironmentConfig, RepositoryConfig } from '../config';
import { SyncStateStore } from '../database';
import { GitRepository, GitTreeEntry } from '../git';
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
import {
  CLUSTERS_FOLDER,
  clusterKustomizations,
  clusterOf,
} from './fluxEnvironments';
import { FileRead } from './lastGoodState';
import { OverlayFolders } from './overlayFolders';
import { readReleaseFiles } from './readReleaseFiles';

/** `a/b/c.yaml` -> `a`, `a/b`. */
const foldersOf = (path: string) => {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
};

const isKustomizationFile = (path: string) =>
  (KUSTOMIZATION_FILE_NAMES as readonly string[]).includes(
    path.slice(path.lastIndexOf('/') + 1),
  );

/** What one sync reads and replaces. */
export type SyncPlan = {
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
  /** The repository's stored environments, when planning read them. */
  storedEnvironments?: GitopsEnvironment[];
};

type PlanContext = {
  repository: RepositoryConfig;
  git: GitRepository;
  syncStateStore: SyncStateStore;
  configured: EnvironmentConfig[];
  /** Which folders were overlays at the last sync, kept by the repository's sync. */
  overlayFolders?: OverlayFolders;
};

/**
 * Which files this sync reads and replaces: the changes since the stored
 * commit (`src/changes`), within the repository's environments, plus the
 * files under `clusters/` (Flux objects, and the Kustomizations that
 * describe environments) and the overlays those changes reach.
 */
export async function planSync(
  context: PlanContext,
  previous: string | undefined,
  head: string,
  at: Date,
): Promise<SyncPlan> {
  const { repository, git, syncStateStore, configured } = context;
  const own = configured.filter(env => env.repository === repository.id);
  const changes = await changesSince(git, previous, head);
  const overlayFolders = context.overlayFolders ?? new OverlayFolders();
  overlayFolders.advance(previous, head, changes);
  const changed = changes.full
    ? []
    : changes.changes.flatMap(c =>
        c.oldPath ? [c.path, c.oldPath] : [c.path],
      );
  const full = changes.full;

  // clusters/: every file when any changed, for its Kustomizations.
  const clustersTouched =
    full || changed.some(p => isWithin(p, CLUSTERS_FOLDER));
  const inConfigured = (path: string) =>
    own.some(env => isWithin(path, env.path));
  let clusterFiles: FileRead[] | undefined;
  if (clustersTouched) {
    const tree = await git.listTree(head, CLUSTERS_FOLDER);
    clusterFiles = await readReleaseFiles(git, {
      repositoryId: repository.id,
      head,
      paths: tree
        .filter(
          e =>
            e.type === 'blob' &&
            isManifestPath(e.path) &&
            !inConfigured(e.path),
        )
        .map(e => e.path),
      environmentOf: () => undefined,
      fluxEnvironmentOf: clusterOf,
      at,
    });
  }
  // Asked for only when environments are resolved, not taken as stored.
  const fluxLayout = async () => {
    // A file of clusters/ that does not read cleanly keeps its last good
    // Kustomizations, so that no environment goes for a misread.
    const storedKustomizations = await syncStateStore.listFluxObjects(
      repository.id,
      ['Kustomization'],
    );
    const brokenClusterFiles = new Set(
      (clusterFiles ?? []).filter(f => f.broken).map(f => f.path),
    );
    const kustomizations = clusterKustomizations(
      clusterFiles
        ? [
            ...clusterFiles
              .filter(f => !f.broken)
              .flatMap(f => f.fluxObjects ?? []),
            ...storedKustomizations.filter(o => brokenClusterFiles.has(o.path)),
          ]
        : storedKustomizations,
    );
    // Whether each folder exists matters only when environments are derived.
    const folderExists = new Map<string, boolean>();
    const listFolders = async () => {
      for (const k of kustomizations) {
        if (!folderExists.has(k.folder)) {
          folderExists.set(
            k.folder,
            (await git.listTree(head, k.folder)).length > 0,
          );
        }
      }
    };
    return {
      kustomizations,
      folderExists: (f: string) => folderExists.get(f) ?? false,
      listFolders,
    };
  };

  let environments: GitopsEnvironment[];
  let storedEnvironments: GitopsEnvironment[] | undefined;
  const readStoredEnvironments = async () => {
    storedEnvironments ??= (await syncStateStore.listEnvironments()).filter(
      e => e.repository === repository.id,
    );
    return storedEnvironments;
  };
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
    const flux = await fluxLayout();
    releasesTree = await git.listTree(head, RELEASES_FOLDER);
    if (!releasesTree.some(e => e.type === 'tree')) await flux.listFolders();
    environments = resolveEnvironments(
      repository.id,
      configured,
      releasesTree,
      flux,
    );
  } else if (own.length > 0) {
    environments = resolveEnvironments(
      repository.id,
      configured,
      [],
      await fluxLayout(),
    );
  } else {
    environments = await readStoredEnvironments();
  }
  // Environments that clusters/ adds, moves or removes are read anew.
  if (!full && clustersTouched) {
    const stored = await readStoredEnvironments();
    if (!sameEnvironments(stored, environments))
      return planSync(context, undefined, head, at);
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
  const isOverlay = (env: GitopsEnvironment) =>
    overlayFolders.isOverlay(env.path, async () =>
      (await treeOf(env)).some(
        e =>
          e.type === 'blob' &&
          KUSTOMIZATION_FILE_NAMES.some(n => e.path === `${env.path}/${n}`),
      ),
    );
  // No environment was an overlay at the stored commit (the last syncs
  // looked): nothing stored was built from a file outside its environment,
  // so the store is not asked what was.
  const noOverlaysStored =
    !full && environments.every(env => overlayFolders.isKnownClassic(env.path));
  // planReads asks for the same chart folders' users again: one query.
  const chartUsersAsked = new Map<string, Promise<string[]>>();
  const chartUsersOf = (folders: string[]) => {
    const key = JSON.stringify(folders);
    if (!chartUsersAsked.has(key)) {
      chartUsersAsked.set(
        key,
        syncStateStore.sourcePathsForCharts(repository.id, folders),
      );
    }
    return chartUsersAsked.get(key)!;
  };
  const overlayNames = new Set<string>();
  if (full) {
    for (const env of environments)
      if (await isOverlay(env)) overlayNames.add(env.name);
  } else {
    for (const env of environments) {
      if (changed.some(p => isWithin(p, env.path)) && (await isOverlay(env))) {
        overlayNames.add(env.name);
      }
    }
    // Bases outside the environment's folder: known from what was built from them.
    const builtFrom = noOverlaysStored
      ? []
      : await environmentsBuiltFrom(context, changed, environments);
    for (const name of builtFrom) overlayNames.add(name);
  }
  // A folder becoming an overlay, or ceasing to be one, is read anew.
  const shapeChanged =
    !changes.full &&
    changes.changes.some(
      c =>
        c.status !== 'M' &&
        [c.path, c.oldPath].some(
          p =>
            p !== undefined &&
            isKustomizationFile(p) &&
            environments.some(e => folderOf(p) === e.path),
        ),
    );
  if (shapeChanged) return planSync(context, undefined, head, at);
  // Releases of overlays whose chart folder changed: their environments
  // re-derive them (a classic file's chart users are read as usual).
  const chartFolders = [...new Set(changed.flatMap(foldersOf))];
  const overlayChartUsers =
    chartFolders.length === 0 || noOverlaysStored
      ? []
      : (
          await syncStateStore.releasesFromPaths(
            repository.id,
            await chartUsersOf(chartFolders),
          )
        ).filter(
          r =>
            r.builtFrom?.length ||
            !isWithin(
              r.sourcePath,
              environments.find(e => e.name === r.environment)?.path ?? '',
            ),
        );
  overlayChartUsers.forEach(r => overlayNames.add(r.environment));
  const overlayEnvironments = environments.filter(e =>
    overlayNames.has(e.name),
  );
  const classic = environments.filter(e => !overlayNames.has(e.name));

  const inEnvironment = (path: string) =>
    isManifestPath(path) && environmentOf(path, environments) !== undefined;
  const inClassic = (path: string) =>
    isManifestPath(path) &&
    environmentOf(path, classic) !== undefined &&
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
    chartUsers: chartUsersOf,
  });
  // Chart users inside overlays re-derive there, as if they had changed.
  const chartUsers = [
    ...[...reads.read].filter(p => !inClassic(p)),
    ...overlayChartUsers.map(r => r.sourcePath),
  ];
  const parse = new Set([...reads.read].filter(inClassic));

  const overlays = overlayEnvironments.map(environment =>
    full || rereadsWhole(environment, changes)
      ? { environment }
      : { environment, changed: new Set([...changed, ...chartUsers]) },
  );
  return {
    full: reads.full,
    environments,
    replaced: new Set([
      ...parse,
      ...[...reads.removed].filter(
        p =>
          inEnvironment(p) &&
          !overlayNames.has(environmentOf(p, environments)!.name),
      ),
      ...(clusterFiles ?? []).map(f => f.path),
      ...[...reads.removed].filter(
        p => isWithin(p, CLUSTERS_FOLDER) && !inEnvironment(p),
      ),
    ]),
    parse,
    clusterFiles,
    overlays,
    changedPaths: reads.changedPaths,
    renamedFrom: reads.renamedFrom,
    storedEnvironments,
  };
}

/**
 * Whether a diff changes an overlay's shape rather than only the contents
 * of files it reads: a kustomization file, or a file added, removed or
 * renamed in its folder. Then the whole environment is read again.
 */
function rereadsWhole(
  environment: GitopsEnvironment,
  changes: CommitChanges,
): boolean {
  if (changes.full) return true;
  return changes.changes.some(c =>
    [c.path, c.oldPath].some(
      p =>
        p !== undefined &&
        !isWithin(p, CLUSTERS_FOLDER) &&
        (isKustomizationFile(p) ||
          (c.status !== 'M' && isWithin(p, environment.path))),
    ),
  );
}

/** Environments with stored releases or Flux objects built from these files outside their own folder. */
async function environmentsBuiltFrom(
  context: PlanContext,
  changed: string[],
  environments: GitopsEnvironment[],
): Promise<Set<string>> {
  const { repository, syncStateStore } = context;
  const names = new Set<string>();
  if (changed.length === 0) return names;
  const byName = new Map(environments.map(e => [e.name, e]));
  const outside = (environment: string | undefined, path: string) => {
    const env = environment === undefined ? undefined : byName.get(environment);
    return (
      env !== undefined &&
      !isWithin(path, env.path) &&
      !isWithin(path, CLUSTERS_FOLDER)
    );
  };
  const sources = await syncStateStore.sourcePathsBuiltFrom(
    repository.id,
    changed,
  );
  for (const release of await syncStateStore.releasesFromPaths(repository.id, [
    ...new Set([...sources, ...changed]),
  ])) {
    if (
      release.builtFrom?.length ||
      outside(release.environment, release.sourcePath)
    ) {
      names.add(release.environment);
    }
  }
  const paths = new Set(changed);
  // A file that never read cleanly has nothing built from it, only its problems.
  for (const problem of await syncStateStore.listProblems([repository.id])) {
    if (
      problem.environment &&
      paths.has(problem.path) &&
      outside(problem.environment, problem.path)
    ) {
      names.add(problem.environment);
    }
  }
  for (const object of await syncStateStore.fluxObjectsOf(repository.id, {
    paths: changed,
  })) {
    if (paths.has(object.path) && outside(object.environment, object.path)) {
      names.add(object.environment!);
    }
  }
  return names;
}

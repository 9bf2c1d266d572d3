import { stringifyGitopsReleaseKey } from '@backstage-gitops/plugin-gitops-common';
import {
  EnvironmentSource,
  EnvironmentSources,
  FileProblem,
  FluxObjectRecord,
  ReleaseRecord,
  SyncStateStore,
} from '../database';
import { GitRepository } from '../git';
import {
  isWithin,
  KustomizeOverlay,
  MANIFEST_LIMITS,
  ParsedFileCache,
  readKustomizeOverlay,
  readOverlayManifests,
} from '../manifests';
import { CLUSTERS_FOLDER } from './fluxEnvironments';
import { fluxObjectsOf } from './fluxObjects';
import { FileRead } from './lastGoodState';
import { toRecord } from './readReleaseFiles';

/**
 * What a sync read of an overlay environment, before its charts are
 * resolved: the releases it yields grouped by source file, so that charts
 * and storability are checked as for any file.
 */
export type OverlayRead = {
  environment: string;
  /** Stored releases this read replaces. */
  before: ReleaseRecord[];
  /** Stored Flux objects this read replaces. */
  beforeFluxObjects: FluxObjectRecord[];
  /** Fresh releases, one group per source file. */
  groups: FileRead[];
  fluxObjects: FluxObjectRecord[];
  problems: FileProblem[];
  /** Every file it was built from or read. */
  files: string[];
};

/** What a sync stores of an overlay environment. */
export type SettledOverlay = {
  releases: ReleaseRecord[];
  fluxObjects: FluxObjectRecord[];
  problems: FileProblem[];
  /** Held at their last good state; stored again as they were. */
  kept: ReleaseRecord[];
  replaced: EnvironmentSources;
};

const keyOf = (r: ReleaseRecord) => stringifyGitopsReleaseKey(r);
const filesOf = (r: ReleaseRecord) => [r.sourcePath, ...(r.builtFrom ?? [])];

/**
 * Reads an environment whose folder is a kustomize overlay. `changed` (an
 * incremental sync) limits the read to the stored releases built from a
 * changed file and the files they were built from; `'full'` is returned
 * when that cannot be told apart from the rest (a patch that now targets
 * something not read, a new release whose source file did not change), and
 * the caller reads the whole environment.
 */
export async function readOverlayEnvironment(
  context: {
    git: GitRepository;
    syncStateStore: SyncStateStore;
    repositoryId: string;
    head: string;
    at: Date;
    /** Parses of large files kept from one sync to the next. */
    parsedFiles?: ParsedFileCache;
  },
  environment: { name: string; path: string },
  changed?: ReadonlySet<string>,
): Promise<OverlayRead | 'full'> {
  const { git, syncStateStore, repositoryId, head, at, parsedFiles } = context;
  const env = environment.name;
  const storedFlux = (
    await syncStateStore.fluxObjectsOf(
      repositoryId,
      changed ? { paths: [...changed] } : { environment: env },
    )
  ).filter(o => o.environment === env && !isWithin(o.path, CLUSTERS_FOLDER));
  let before: ReleaseRecord[];
  let onlyFiles: Set<string> | undefined;
  if (changed) {
    const changedPaths = [...changed];
    const sources = await syncStateStore.sourcePathsBuiltFrom(
      repositoryId,
      changedPaths,
    );
    before = (
      await syncStateStore.releasesFromPaths(repositoryId, [
        ...new Set([...sources, ...changedPaths]),
      ])
    ).filter(r => r.environment === env);
    onlyFiles = new Set([
      ...changedPaths,
      ...before.flatMap(filesOf),
      ...storedFlux.map(o => o.path),
    ]);
  } else {
    before = (await syncStateStore.releasesOfEnvironments([env])).filter(
      r => r.repository === repositoryId,
    );
  }

  const overlay: KustomizeOverlay = await readKustomizeOverlay(
    environment.path,
    paths =>
      git.readFiles(head, paths, { maxBytes: MANIFEST_LIMITS.maxFileBytes }),
    {
      ...(onlyFiles ? { onlyFiles } : {}),
      ...(parsedFiles ? { parsedFiles } : {}),
    },
  );
  if (changed && overlay.unmatchedPatches.length > 0) return 'full';
  const manifests = readOverlayManifests(overlay);
  const problems: FileProblem[] = [
    ...overlay.problems,
    ...manifests.problems,
  ].map(({ blocking, ...p }) => ({
    ...p,
    environment: env,
    ...(blocking ? { blocking } : {}),
  }));

  const groups = new Map<string, FileRead>();
  const seen = new Map<string, string>();
  const beforeKeys = new Set(before.map(keyOf));
  for (const { release, resource, imageFiles } of manifests.helmReleases) {
    if (release.ignored) continue;
    const sourcePath = resource.patches.at(-1)?.path ?? resource.source.path;
    const record = toRecord(release, env, repositoryId, head, at);
    record.sourcePath = sourcePath;
    const builtFrom = resource.files.filter(f => f !== sourcePath);
    if (builtFrom.length > 0) record.builtFrom = builtFrom;
    record.images = record.images.map(image => {
      const file = imageFiles.get(image.container);
      return file && file !== sourcePath ? { ...image, file } : image;
    });
    if (changed && !beforeKeys.has(keyOf(record))) {
      // Not stored before: untouched by the change (read only because it
      // shares a file with what changed), or new, when the patches that
      // apply to it may not have been read: then read everything.
      if (!filesOf(record).some(f => changed.has(f))) continue;
      return 'full';
    }
    const key = keyOf(record);
    const line = resource.source.line;
    if (seen.has(key)) {
      problems.push({
        environment: env,
        path: sourcePath,
        line,
        message: `HelmRelease ${record.namespace}/${record.name} from ${
          resource.source.path
        } is already defined by ${seen.get(key)}`,
        blocking: true,
      });
      continue;
    }
    seen.set(key, resource.source.path);
    const group = groups.get(sourcePath) ?? {
      path: sourcePath,
      environment: env,
      broken: false,
      problems: [],
      releases: [],
    };
    group.releases.push({
      record,
      source: { path: sourcePath, document: resource.source.document, line },
    });
    groups.set(sourcePath, group);
  }

  return {
    environment: env,
    before,
    beforeFluxObjects: storedFlux,
    groups: [...groups.values()],
    fluxObjects: fluxObjectsOf(manifests.others, {
      repositoryId,
      environment: env,
    }).filter(o => !changed || changed.has(o.path)),
    problems,
    files: overlay.files,
  };
}

/**
 * What to store of an overlay read once its charts are checked. A file that
 * does not read cleanly holds every release built from it (base, patch or
 * kustomization file) at its last good state, with the problem on the
 * release's own file so that its card says so; and while any file of the
 * overlay is broken, no release or Flux object is removed on its strength.
 */
export function settleOverlay(read: OverlayRead): SettledOverlay {
  const env = read.environment;
  const groupProblems = read.groups.flatMap(g =>
    g.problems.map(p => (g.broken ? { ...p, blocking: true } : p)),
  );
  const problems = [...read.problems, ...groupProblems];
  const brokenFiles = new Set(
    problems.filter(p => p.blocking).map(p => p.path),
  );
  for (const group of read.groups)
    if (group.broken) brokenFiles.add(group.path);
  const partial = brokenFiles.size > 0;
  const isBroken = (r: ReleaseRecord) =>
    filesOf(r).some(f => brokenFiles.has(f));

  const fresh = read.groups
    .flatMap(g => g.releases.map(c => c.record))
    .filter(r => !isBroken(r));
  const freshKeys = new Set(fresh.map(keyOf));
  const kept = partial ? read.before.filter(r => !freshKeys.has(keyOf(r))) : [];

  // The card shows a release's problem by its own file.
  for (const release of kept) {
    if (problems.some(p => p.blocking && p.path === release.sourcePath))
      continue;
    const cause =
      problems.find(p => p.blocking && filesOf(release).includes(p.path)) ??
      problems.find(p => p.blocking);
    problems.push({
      environment: env,
      path: release.sourcePath,
      message: `Held at its last good state: ${cause?.path}${
        cause?.line ? `:${cause.line}` : ''
      } does not read cleanly (${cause?.message})`,
      blocking: true,
    });
  }

  const freshFlux = read.fluxObjects.filter(o => !brokenFiles.has(o.path));
  const freshFluxPaths = new Set(freshFlux.map(o => o.path));
  const keptFlux = partial
    ? read.beforeFluxObjects.filter(o => !freshFluxPaths.has(o.path))
    : [];

  const pairs = (paths: Iterable<string>): EnvironmentSource[] =>
    [...new Set(paths)].sort().map(path => ({ environment: env, path }));
  return {
    releases: [...fresh, ...kept],
    fluxObjects: [...freshFlux, ...keptFlux],
    problems,
    kept,
    replaced: {
      releases: pairs([...read.before, ...fresh].map(r => r.sourcePath)),
      fluxObjects: pairs(
        [...read.beforeFluxObjects, ...freshFlux].map(o => o.path),
      ),
      problems: pairs([
        ...read.files,
        ...[...read.before, ...fresh].map(r => r.sourcePath),
        ...problems.map(p => p.path),
      ]),
    },
  };
}

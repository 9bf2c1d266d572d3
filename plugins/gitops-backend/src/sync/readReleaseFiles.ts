import { ReleaseRecord, SyncStateStore, unstorableReason } from '../database';
import { GitRepository } from '../git';
import {
  HelmReleaseManifest,
  MANIFEST_LIMITS,
  parseManifestFile,
} from '../manifests';
import { ChartReadScope, resolveGitCharts } from './gitCharts';
import { fluxObjectsOf } from './fluxObjects';
import { FileRead } from './lastGoodState';

export function toRecord(
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
      manifest.chart.type === 'repository' || manifest.chart.type === 'source'
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
      ...(image.imagePolicyRef
        ? { imagePolicyRef: { ...image.imagePolicyRef } }
        : {}),
    })),
    sourcePath: manifest.source.path,
    spec: manifest.spec,
    commit,
    updatedAt: at.toISOString(),
  };
}

/**
 * Reads the files a sync plans to read. A file does not read cleanly when it
 * is over the size limit or did not parse completely (syntax, encoding, a
 * field of the wrong type, limits); such a file contributes no release.
 * Releases are read from files of an environment only (`environmentOf`);
 * Flux objects from every file.
 */
export async function readReleaseFiles(
  git: GitRepository,
  scope: {
    repositoryId: string;
    head: string;
    paths: Iterable<string>;
    environmentOf: (path: string) => string | undefined;
    /** The environment of a file's Flux objects, when not `environmentOf`'s. */
    fluxEnvironmentOf?: (path: string) => string | undefined;
    at: Date;
  },
): Promise<FileRead[]> {
  const { repositoryId, head, at } = scope;
  const paths = [...scope.paths].sort();
  const contents = await git.readFiles(head, paths, {
    maxBytes: MANIFEST_LIMITS.maxFileBytes,
  });

  const files: FileRead[] = [];
  for (const path of paths) {
    const environment = scope.environmentOf(path);
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
    const fluxEnvironment = scope.fluxEnvironmentOf?.(path) ?? environment;
    files.push({
      path,
      environment,
      broken: !parsed.complete,
      problems: parsed.errors.map(e => ({ ...e, environment })),
      releases:
        environment === undefined
          ? []
          : parsed.helmReleases
              .filter(manifest => !manifest.ignored)
              .map(manifest => ({
                record: toRecord(manifest, environment, repositoryId, head, at),
                source: manifest.source,
              })),
      fluxObjects: fluxObjectsOf(parsed.others, {
        repositoryId,
        environment: fluxEnvironment,
      }),
    });
  }
  return files;
}

/**
 * Resolves the charts of the releases read (see `resolveGitCharts`) and
 * checks that the store can hold them: a refused chart path or a value the
 * store cannot keep breaks the release's file.
 */
export async function checkReleaseFiles(
  git: GitRepository,
  syncStateStore: SyncStateStore,
  scope: ChartReadScope,
  files: FileRead[],
): Promise<void> {
  const candidates = files.flatMap(f => f.releases);
  const chartProblems = await resolveGitCharts(
    git,
    syncStateStore,
    scope,
    candidates,
  );
  // Overlay groups of two environments may share a path: key by both.
  const keyOf = (environment: string | undefined, path: string) =>
    JSON.stringify([environment ?? null, path]);
  const byKey = new Map(files.map(f => [keyOf(f.environment, f.path), f]));
  for (const problem of chartProblems) {
    const file = byKey.get(keyOf(problem.environment, problem.path));
    if (!file) continue;
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
}

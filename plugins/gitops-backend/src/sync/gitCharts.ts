import {
  CHART_SOURCE_KINDS,
  FluxSourceObject,
  FluxSources,
  resolveChartSource,
} from '../charts';
import { FileProblem, ReleaseRecord, SyncStateStore } from '../database';
import { GitRepository, GitTreeEntry } from '../git';
import {
  checkChartPath,
  MANIFEST_LIMITS,
  normalizeChartPath,
  parseChartYaml,
} from '../manifests';
import { CandidateRelease } from './lastGoodState';

/** What a sync knows of the commit it reads charts at. */
export type ChartReadScope = {
  repositoryId: string;
  head: string;
  full: boolean;
  /** Every path the diff touched; empty for a full sync. */
  changedPaths: string[];
  /**
   * The configured url of the repository: a GitRepository with this url is
   * this repository. Defaults to the stored repository's url.
   */
  repositoryUrl?: string;
  /**
   * The repository's Flux objects as of `head` (those stored of files the
   * sync does not replace, and those read now), to resolve v2 chart
   * sources. Unset: the stored ones, as of the previous sync.
   */
  fluxObjects?: FluxSourceObject[];
};

/**
 * Resolves the v2 chart sources of these releases against the repository's
 * Flux objects: chart name and written version for each, and the chart
 * folder of those whose GitRepository is this repository (read below as a
 * v1 git chart is). Returns each such release's folder as written.
 */
async function resolveV2Sources(
  syncStateStore: SyncStateStore,
  scope: ChartReadScope,
  records: ReleaseRecord[],
): Promise<Map<ReleaseRecord, string>> {
  const folders = new Map<ReleaseRecord, string>();
  const v2 = records.filter(r => r.chart.type === 'source');
  if (v2.length === 0) return folders;
  const [objects, url] = await Promise.all([
    scope.fluxObjects ??
      syncStateStore.listFluxObjects(scope.repositoryId, CHART_SOURCE_KINDS),
    scope.repositoryUrl ??
      syncStateStore.getRepository(scope.repositoryId).then(r => r?.url ?? ''),
  ]);
  const sources = new FluxSources(objects, url);
  for (const record of v2) {
    if (record.chart.type !== 'source') continue;
    const source = resolveChartSource(record.chart, record, sources);
    record.chartName = source.chartName;
    record.chartVersion = source.version;
    if (source.type === 'this-repository') folders.set(record, source.path);
  }
  return folders;
}

/**
 * Fills chart version and revision of git charts from Chart.yaml. Returns
 * the problems found; a refused chart path is blocking (the release cannot
 * be stored as written), a missing Chart.yaml only leaves the version unset.
 */
export async function resolveGitCharts(
  git: GitRepository,
  syncStateStore: SyncStateStore,
  scope: ChartReadScope,
  candidates: CandidateRelease[],
): Promise<FileProblem[]> {
  const { repositoryId, head } = scope;
  const problems: FileProblem[] = [];
  const records = candidates.map(c => c.record);
  // The folder of each chart in this repository: v1 git charts, and v2
  // charts whose GitRepository is this one.
  const chartFolders = await resolveV2Sources(syncStateStore, scope, records);
  for (const record of records) {
    if (record.chart.type === 'git')
      chartFolders.set(record, record.chart.path);
  }
  const gitCharts = records.filter(r => chartFolders.has(r));
  if (gitCharts.length === 0) return problems;

  const chartFolderOf = (record: ReleaseRecord) => chartFolders.get(record)!;
  let folders = [...new Set(gitCharts.map(chartFolderOf))];
  // A chart folder the diff did not touch keeps what the store knows of
  // it: no tree listing, no Chart.yaml read.
  if (!scope.full) {
    const touched = (folder: string) =>
      scope.changedPaths.some(
        p =>
          p === folder ||
          p.startsWith(`${folder}/`) ||
          folder.startsWith(`${p}/`),
      );
    const reused = new Set<string>();
    for (const folder of folders) {
      const written = normalizeChartPath(folder);
      if (!written.ok || touched(written.normalized)) continue;
      const known = await syncStateStore.chartOf(
        repositoryId,
        written.normalized,
      );
      if (!known) continue;
      for (const record of gitCharts) {
        if (chartFolderOf(record) !== folder) continue;
        record.chartPath = known.chartPath;
        record.chartVersion = known.chartVersion;
        record.chartRevision = known.chartRevision;
      }
      reused.add(folder);
    }
    folders = folders.filter(f => !reused.has(f));
    if (folders.length === 0) return problems;
  }

  // The top folders every chart path passes through: enough of the tree to
  // check each directory it enters (symlinks, submodules) and find its files.
  const tops = new Set<string>();
  for (const folder of folders) {
    const written = normalizeChartPath(folder);
    if (!written.ok) continue; // checkChartPath reports it below
    written.entered.forEach(directory => tops.add(directory.split('/')[0]));
  }
  const modes = new Map<string, string>();
  const shas = new Map<string, string>();
  const trees: GitTreeEntry[] = [];
  for (const top of tops) trees.push(...(await git.listTree(head, top)));
  for (const entry of trees) {
    modes.set(entry.path, entry.mode);
    shas.set(entry.path, entry.sha);
  }

  const valid = new Map<string, string>(); // chart path as written -> normalized
  for (const folder of folders) {
    const check = checkChartPath(folder, modes);
    if (check.ok) valid.set(folder, check.normalized);
  }
  const metadata = await readChartVersions(git, head, new Set(valid.values()));

  for (const { record, source } of candidates) {
    const folder = chartFolders.get(record);
    if (folder === undefined || !folders.includes(folder)) continue;
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

/** Each chart folder's version from its Chart.yaml, or why there is none. */
async function readChartVersions(
  git: GitRepository,
  head: string,
  folders: Set<string>,
): Promise<Map<string, { version?: string; error?: string }>> {
  const chartFiles = await git.readFiles(
    head,
    [...folders].map(p => `${p}/Chart.yaml`),
    { maxBytes: MANIFEST_LIMITS.maxFileBytes },
  );
  const metadata = new Map<string, { version?: string; error?: string }>();
  for (const folder of folders) {
    const content = chartFiles.get(`${folder}/Chart.yaml`);
    if (!content || !Buffer.isBuffer(content)) {
      metadata.set(folder, { error: `No Chart.yaml in ${folder}` });
      continue;
    }
    const chart = parseChartYaml(`${folder}/Chart.yaml`, content);
    metadata.set(
      folder,
      'version' in chart
        ? { version: chart.version }
        : { error: chart.message },
    );
  }
  return metadata;
}

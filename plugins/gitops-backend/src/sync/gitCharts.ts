import { FileProblem, SyncStateStore } from '../database';
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
};

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
  const gitCharts = candidates
    .map(c => c.record)
    .filter(r => r.chart.type === 'git');
  if (gitCharts.length === 0) return problems;

  const chartFolderOf = (record: (typeof gitCharts)[number]) =>
    (record.chart as { path: string }).path;
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

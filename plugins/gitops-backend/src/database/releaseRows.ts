import { Knex } from 'knex';
import { readImageStatuses } from './DatabaseImageStatusStore';
import { queryBatches } from './queryBatches';
import { ReleaseRecord } from './SyncStateStore';

/** A row of `gitops_releases`. */
export type ReleaseRow = {
  id: number;
  repository_id: string;
  environment: string;
  namespace: string;
  name: string;
  release_name: string;
  api_version: string;
  chart_name: string;
  chart_version: string | null;
  chart: string;
  chart_path: string | null;
  chart_revision: string | null;
  labels: string;
  annotations: string;
  automated: boolean | number;
  locked: boolean | number;
  source_path: string;
  spec: string;
  commit_sha: string;
  updated_at: Date | string;
};

/** A row of `gitops_release_images`. */
export type ReleaseImageRow = {
  release_id: number;
  container: string;
  registry: string | null;
  repository: string;
  tag: string;
  policy: string | null;
  paths: string;
  image_policy_ref: string | null;
  file: string | null;
};

/** A row of `gitops_release_files`. */
export type ReleaseFileRow = { release_id: number; path: string };

/** A row of `gitops_release_labels`. */
export type ReleaseLabelRow = {
  release_id: number;
  key: string;
  value: string;
};

/** Kubernetes caps label keys at 317 and values at 63 characters; longer ones are not indexed. */
const MAX_LABEL_LENGTH = 320;

/**
 * The indexed labels of a release. A label too long to index cannot come
 * from a cluster-valid manifest; selectors simply do not see it.
 */
export function releaseLabelRows(
  releaseId: number,
  release: ReleaseRecord,
): ReleaseLabelRow[] {
  return Object.entries(release.labels)
    .filter(
      ([key, value]) =>
        typeof value === 'string' &&
        key.length <= MAX_LABEL_LENGTH &&
        value.length <= MAX_LABEL_LENGTH,
    )
    .map(([key, value]) => ({ release_id: releaseId, key, value }));
}

export function releaseRow(
  repositoryId: string,
  release: ReleaseRecord,
): Omit<ReleaseRow, 'id'> {
  return {
    repository_id: repositoryId,
    environment: release.environment,
    namespace: release.namespace,
    name: release.name,
    release_name: release.releaseName,
    api_version: release.apiVersion,
    chart_name: release.chartName,
    chart_version: release.chartVersion ?? null,
    chart: JSON.stringify(release.chart),
    chart_path: release.chartPath ?? null,
    chart_revision: release.chartRevision ?? null,
    labels: JSON.stringify(release.labels),
    annotations: JSON.stringify(release.annotations),
    automated: release.automated,
    locked: release.locked,
    source_path: release.sourcePath,
    spec: JSON.stringify(release.spec),
    commit_sha: release.commit,
    updated_at: new Date(release.updatedAt),
  };
}

export function releaseImageRows(
  releaseId: number,
  release: ReleaseRecord,
): ReleaseImageRow[] {
  return release.images.map(image => ({
    release_id: releaseId,
    container: image.container,
    registry: image.registry ?? null,
    repository: image.repository,
    tag: image.tag,
    policy: image.policy ?? null,
    paths: JSON.stringify(image.paths),
    image_policy_ref: image.imagePolicyRef
      ? JSON.stringify(image.imagePolicyRef)
      : null,
    file: image.file ?? null,
  }));
}

export function releaseFileRows(
  releaseId: number,
  release: ReleaseRecord,
): ReleaseFileRow[] {
  return (release.builtFrom ?? []).map(path => ({
    release_id: releaseId,
    path,
  }));
}

/**
 * The records of these release rows, with their images and each image's
 * status, sorted by environment, namespace and name.
 */
export async function readReleases(
  db: Knex,
  rows: ReleaseRow[],
): Promise<ReleaseRecord[]> {
  const images = new Map<number, ReleaseImageRow[]>();
  const builtFrom = new Map<number, string[]>();
  for (const part of queryBatches(rows.map(row => row.id))) {
    const fileRows = await db<ReleaseFileRow>('gitops_release_files')
      .whereIn('release_id', part)
      .orderBy('path');
    for (const file of fileRows) {
      const list = builtFrom.get(file.release_id) ?? [];
      list.push(file.path);
      builtFrom.set(file.release_id, list);
    }
    const imageRows = await db<ReleaseImageRow>('gitops_release_images')
      .whereIn('release_id', part)
      .orderBy('container');
    for (const image of imageRows) {
      const list = images.get(image.release_id) ?? [];
      list.push(image);
      images.set(image.release_id, list);
    }
  }
  const statusOf = await readImageStatuses(db, rows);
  return rows
    .map(row => ({
      repository: row.repository_id,
      environment: row.environment,
      namespace: row.namespace,
      name: row.name,
      releaseName: row.release_name,
      apiVersion: row.api_version,
      chart: JSON.parse(row.chart),
      chartName: row.chart_name,
      chartVersion: row.chart_version ?? undefined,
      chartPath: row.chart_path ?? undefined,
      chartRevision: row.chart_revision ?? undefined,
      ...(builtFrom.has(row.id) ? { builtFrom: builtFrom.get(row.id) } : {}),
      labels: JSON.parse(row.labels),
      annotations: JSON.parse(row.annotations),
      automated: Boolean(row.automated),
      locked: Boolean(row.locked),
      sourcePath: row.source_path,
      spec: JSON.parse(row.spec),
      commit: row.commit_sha,
      updatedAt: new Date(row.updated_at).toISOString(),
      images: (images.get(row.id) ?? []).map(image => {
        const status = statusOf(row, image.container);
        return {
          container: image.container,
          registry: image.registry ?? undefined,
          repository: image.repository,
          tag: image.tag,
          policy: image.policy ?? undefined,
          paths: JSON.parse(image.paths),
          ...(image.image_policy_ref
            ? { imagePolicyRef: JSON.parse(image.image_policy_ref) }
            : {}),
          ...(image.file ? { file: image.file } : {}),
          ...(status ? { status } : {}),
        };
      }),
    }))
    .sort(
      (a, b) =>
        a.environment.localeCompare(b.environment) ||
        a.namespace.localeCompare(b.namespace) ||
        a.name.localeCompare(b.name),
    );
}

/**
 * Inserts releases with their images, files and labels, a batch of rows per
 * statement rather than three statements per release: a fleet's full sync
 * stores thousands. Ids are read back by each release's unique key
 * (environment, namespace, name), as multi-row inserts do not portably
 * return ids in order.
 */
export async function insertReleases(
  tx: Knex.Transaction,
  repositoryId: string,
  releases: ReleaseRecord[],
): Promise<void> {
  const keyOf = (r: { environment: string; namespace: string; name: string }) =>
    JSON.stringify([r.environment, r.namespace, r.name]);
  const imageRows: ReleaseImageRow[] = [];
  const fileRows: ReleaseFileRow[] = [];
  const labelRows: ReleaseLabelRow[] = [];
  for (const part of queryBatches(releases)) {
    await tx('gitops_releases').insert(
      part.map(r => releaseRow(repositoryId, r)),
    );
    const ids = new Map<string, number>();
    const rows: Array<
      Pick<ReleaseRow, 'id' | 'environment' | 'namespace' | 'name'>
    > = await tx<ReleaseRow>('gitops_releases')
      .select('id', 'environment', 'namespace', 'name')
      .where({ repository_id: repositoryId })
      // All three, so that the unique key's index answers, not a scan.
      .whereIn('environment', [...new Set(part.map(r => r.environment))])
      .whereIn('namespace', [...new Set(part.map(r => r.namespace))])
      .whereIn('name', [...new Set(part.map(r => r.name))]);
    for (const row of rows) ids.set(keyOf(row), row.id);
    for (const release of part) {
      const releaseId = ids.get(keyOf(release))!;
      imageRows.push(...releaseImageRows(releaseId, release));
      fileRows.push(...releaseFileRows(releaseId, release));
      labelRows.push(...releaseLabelRows(releaseId, release));
    }
  }
  for (const part of queryBatches(imageRows)) {
    await tx<ReleaseImageRow>('gitops_release_images').insert(part);
  }
  for (const part of queryBatches(fileRows)) {
    await tx<ReleaseFileRow>('gitops_release_files').insert(part);
  }
  for (const part of queryBatches(labelRows)) {
    await tx<ReleaseLabelRow>('gitops_release_labels').insert(part);
  }
}

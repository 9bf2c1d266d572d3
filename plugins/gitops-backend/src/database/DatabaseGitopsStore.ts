import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  GitopsClusterStatus,
  GitopsEnvironment,
  GitopsEvent,
  GitopsProblem,
  GitopsReleaseState,
  GitopsRepositoryStatus,
} from '@backstage-gitops/plugin-gitops-common';
import { Knex } from 'knex';
import { withoutUrlCredentials } from '../git/remoteUrlCredentials';
import {
  AppliedObjectKey,
  AppliedObjectRecord,
  ApplyProblemRecord,
  GitopsStore,
  HeldPruneRecord,
  HelmHistoryRecord,
  ImageStatusRecord,
  NewEvent,
  ReconcileRecord,
  ReleaseKey,
  ReleaseMatch,
  ReleaseRecord,
  ReleaseStatusRecord,
  SourceProblemRecord,
  SyncRecord,
} from './GitopsStore';
import { queryBatches } from './queryBatches';
import { STRING_COLUMN_LENGTH, storableText } from './storableValues';

const migrationsDir = resolvePackagePath(
  '@backstage-gitops/plugin-gitops-backend',
  'migrations',
);


type RepositoryRow = {
  id: string;
  url: string;
  branch: string;
  last_commit: string | null;
  last_synced_at: Date | string | null;
  last_error: string | null;
  last_error_at: Date | string | null;
};

type EnvironmentRow = {
  name: string;
  repository_id: string;
  path: string;
  cluster: string | null;
  order: number;
};

type ReleaseRow = {
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

type ErrorRow = {
  id: number;
  repository_id: string;
  environment: string | null;
  path: string;
  line: number | null;
  message: string;
  commit_sha: string | null;
  created_at: Date | string;
  blocking: boolean | number;
};

type ImageRow = {
  release_id: number;
  container: string;
  registry: string | null;
  repository: string;
  tag: string;
  policy: string | null;
  paths: string;
};

type StatusRow = {
  repository_id: string;
  environment: string;
  namespace: string;
  name: string;
  container: string;
  latest_tag: string | null;
  latest_created_at: string | null;
  reason: string | null;
  error: string | null;
  checked_at: Date | string;
};

type EventRow = {
  id: number;
  type: string;
  repository_id: string | null;
  environment: string | null;
  namespace: string | null;
  name: string | null;
  commit_sha: string | null;
  author: string | null;
  message: string | null;
  actor: string | null;
  details: string | null;
  created_at: Date | string;
};

type ClusterRow = {
  name: string;
  title: string | null;
  last_reconciled_at: Date | string | null;
  last_error: string | null;
  last_error_at: Date | string | null;
};

type ReleaseStatusRow = {
  environment: string;
  namespace: string;
  name: string;
  cluster: string;
  state: GitopsReleaseState;
  reason: string;
  differences: string;
  revision: number | null;
  chart_version: string | null;
  app_version: string | null;
  deployed_at: Date | string | null;
  since: Date | string | null;
  error: string | null;
  error_at: Date | string | null;
};

type HelmHistoryRow = {
  environment: string;
  namespace: string;
  name: string;
  revision: number;
  cluster: string;
  status: string;
  chart_name: string | null;
  chart_version: string | null;
  app_version: string | null;
  description: string | null;
  first_deployed_at: Date | string | null;
  deployed_at: Date | string | null;
};

type AppliedObjectRow = {
  environment: string;
  api_version: string;
  kind: string;
  namespace: string;
  name: string;
  source_path: string;
  digest: string;
  applied_at: Date | string;
};

type AppliedCommitRow = {
  environment: string;
  commit: string;
  applied_at: Date | string;
};

type ApplyProblemRow = {
  environment: string;
  recorded_by: string;
  repository_id: string;
  source: string;
  path: string;
  object: string | null;
  message: string;
  commit: string | null;
  created_at: Date | string;
};

type HeldPruneRow = {
  environment: string;
  commit: string;
  objects: string;
  total: number;
  held_at: Date | string;
  confirmed_by: string | null;
  confirmed_at: Date | string | null;
};

function toHeldPrune(row: HeldPruneRow): HeldPruneRecord {
  return defined({
    environment: row.environment,
    commit: row.commit,
    objects: JSON.parse(row.objects) as AppliedObjectKey[],
    total: row.total,
    heldAt: iso(row.held_at)!,
    confirmedBy: row.confirmed_by ?? undefined,
    confirmedAt: iso(row.confirmed_at),
  });
}

/** One text per set of objects, whatever their order. */
function objectSetText(objects: AppliedObjectKey[]): string {
  return JSON.stringify(
    objects
      .map(o => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.namespace, name: o.name }))
      .sort((a, b) => appliedObjectKeyOf(a).localeCompare(appliedObjectKeyOf(b))),
  );
}

/**
 * Looks up when a new git problem first stood, from the rows it replaces: a
 * file that stays broken keeps the commit and time it broke at, whatever the
 * message says now; a warning keeps its time while its text stays the same.
 */
function sinceOf(standing: ErrorRow[]) {
  const earliest = new Map<string, ErrorRow>();
  for (const row of standing) {
    const keys = [JSON.stringify([row.path, 'message', row.message])];
    if (row.blocking) keys.push(JSON.stringify([row.path, 'blocking']));
    for (const key of keys) {
      const known = earliest.get(key);
      if (!known || new Date(row.created_at) < new Date(known.created_at)) {
        earliest.set(key, row);
      }
    }
  }
  return (path: string, blocking: boolean, message: string) =>
    earliest.get(
      JSON.stringify(blocking ? [path, 'blocking'] : [path, 'message', message]),
    );
}

const releaseKeyColumns = ['environment', 'namespace', 'name'];
const appliedObjectKeyColumns = ['api_version', 'kind', 'namespace', 'name'];

function iso(value: Date | string | null): string | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(value).toISOString();
}

function toRepository(row: RepositoryRow): GitopsRepositoryStatus {
  return {
    id: row.id,
    // Rows written before config refused credentials in URLs may hold one.
    url: withoutUrlCredentials(row.url),
    branch: row.branch,
    lastCommit: row.last_commit ?? undefined,
    lastSyncedAt: iso(row.last_synced_at),
    lastError: row.last_error ?? undefined,
    lastErrorAt: iso(row.last_error_at),
  };
}

/** Drops the keys whose value is undefined, so records omit what is unset. */
function defined<T extends object>(record: T): T {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== undefined),
  ) as T;
}

/** Keeps the last item of each key: one upsert statement may not touch a row twice. */
function lastByKey<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map(item => [key(item), item])).values()];
}

const releaseKeyOf = (key: ReleaseKey) =>
  JSON.stringify([key.environment, key.namespace, key.name]);

function dateOrNull(value: string | undefined): Date | null {
  return value === undefined ? null : new Date(value);
}

function toCluster(row: ClusterRow): GitopsClusterStatus {
  return defined({
    name: row.name,
    title: row.title ?? undefined,
    lastReconciledAt: iso(row.last_reconciled_at),
    lastError: row.last_error ?? undefined,
    lastErrorAt: iso(row.last_error_at),
  });
}

function releaseStatusRow(status: ReleaseStatusRecord): ReleaseStatusRow {
  return {
    environment: status.environment,
    namespace: status.namespace,
    name: status.name,
    cluster: status.cluster,
    state: status.state,
    reason: status.reason,
    differences: JSON.stringify(status.differences),
    revision: status.revision ?? null,
    chart_version: status.chartVersion ?? null,
    app_version: status.appVersion ?? null,
    deployed_at: dateOrNull(status.deployedAt),
    since: dateOrNull(status.since),
    error: status.error ?? null,
    error_at: dateOrNull(status.errorAt),
  };
}

function toReleaseStatus(row: ReleaseStatusRow): ReleaseStatusRecord {
  return defined({
    environment: row.environment,
    namespace: row.namespace,
    name: row.name,
    cluster: row.cluster,
    state: row.state,
    reason: row.reason,
    differences: JSON.parse(row.differences),
    revision: row.revision ?? undefined,
    chartVersion: row.chart_version ?? undefined,
    appVersion: row.app_version ?? undefined,
    deployedAt: iso(row.deployed_at),
    since: iso(row.since),
    error: row.error ?? undefined,
    errorAt: iso(row.error_at),
  });
}

function helmHistoryRows(history: HelmHistoryRecord): HelmHistoryRow[] {
  return history.revisions.map(revision => ({
    environment: history.environment,
    namespace: history.namespace,
    name: history.name,
    revision: revision.revision,
    cluster: history.cluster,
    status: revision.status,
    chart_name: revision.chartName ?? null,
    chart_version: revision.chartVersion ?? null,
    app_version: revision.appVersion ?? null,
    description: revision.description ?? null,
    first_deployed_at: dateOrNull(revision.firstDeployedAt),
    deployed_at: dateOrNull(revision.deployedAt),
  }));
}

function appliedObjectRow(
  environment: string,
  object: AppliedObjectRecord,
): AppliedObjectRow {
  return {
    environment,
    api_version: object.apiVersion,
    kind: object.kind,
    namespace: object.namespace,
    name: object.name,
    source_path: object.sourcePath,
    digest: object.digest,
    applied_at: new Date(object.appliedAt),
  };
}

const appliedObjectKeyOf = (key: AppliedObjectKey) =>
  JSON.stringify([key.apiVersion, key.kind, key.namespace, key.name]);

function toEvent(row: EventRow): GitopsEvent {
  return {
    id: row.id,
    type: row.type,
    repository: row.repository_id ?? undefined,
    environment: row.environment ?? undefined,
    namespace: row.namespace ?? undefined,
    name: row.name ?? undefined,
    commit: row.commit_sha ?? undefined,
    author: row.author ?? undefined,
    message: row.message ?? undefined,
    actor: row.actor ?? undefined,
    details: row.details ? JSON.parse(row.details) : undefined,
    at: new Date(row.created_at).toISOString(),
  };
}

function eventRow(event: NewEvent) {
  return {
    type: event.type,
    repository_id: event.repository ?? null,
    environment: event.environment ?? null,
    namespace: event.namespace ?? null,
    name: event.name ?? null,
    commit_sha: event.commit ?? null,
    // Commit authors and subjects come from anyone who can push.
    author: event.author === undefined ? null : storableText(event.author, STRING_COLUMN_LENGTH),
    message: event.message === undefined ? null : storableText(event.message),
    actor: event.actor ?? null,
    details: event.details ? JSON.stringify(event.details) : null,
    created_at: event.at,
  };
}

async function insertEvents(db: Knex, events: NewEvent[]): Promise<void> {
  for (const part of queryBatches(events)) {
    await db('gitops_events').insert(part.map(eventRow));
  }
}

function labelsMatch(
  labels: Record<string, string>,
  selector: ReleaseMatch['labelSelectors'][number],
): boolean {
  return selector.every(({ key, value, op }) =>
    op === '=' ? labels[key] === value : labels[key] !== value,
  );
}

/** The knex implementation of {@link GitopsStore}, for SQLite and PostgreSQL. */
export class DatabaseGitopsStore implements GitopsStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseGitopsStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseGitopsStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async ensureRepository(repo: {
    id: string;
    url: string;
    branch: string;
  }): Promise<void> {
    await this.db<RepositoryRow>('gitops_repositories')
      .insert({ id: repo.id, url: withoutUrlCredentials(repo.url), branch: repo.branch })
      .onConflict('id')
      .merge(['url', 'branch']);
  }

  async getRepository(id: string): Promise<GitopsRepositoryStatus | undefined> {
    const row = await this.db<RepositoryRow>('gitops_repositories')
      .where({ id })
      .first();
    return row ? toRepository(row) : undefined;
  }

  async listRepositories(): Promise<GitopsRepositoryStatus[]> {
    const rows = await this.db<RepositoryRow>('gitops_repositories').orderBy('id');
    return rows.map(toRepository);
  }

  async recordRepositoryFailure(
    id: string,
    message: string,
    at: Date,
  ): Promise<void> {
    await this.db<RepositoryRow>('gitops_repositories')
      .where({ id })
      .update({ last_error: storableText(message), last_error_at: at });
  }

  async replaceEnvironments(
    repositoryId: string,
    environments: GitopsEnvironment[],
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('gitops_environments')
        .where({ repository_id: repositoryId })
        .delete();
      if (environments.length > 0) {
        await tx('gitops_environments').insert(
          environments.map(env => ({
            name: env.name,
            repository_id: repositoryId,
            path: env.path,
            cluster: env.cluster ?? null,
            order: env.order,
          })),
        );
      }
    });
  }

  async listEnvironments(): Promise<GitopsEnvironment[]> {
    const rows = await this.db<EnvironmentRow>('gitops_environments')
      .select('*')
      .orderBy([
        { column: 'order', order: 'asc' },
        { column: 'name', order: 'asc' },
      ]);
    return rows.map(row => ({
      name: row.name,
      repository: row.repository_id,
      path: row.path,
      cluster: row.cluster ?? undefined,
      order: row.order,
    }));
  }

  async sourcePathsForCharts(
    repositoryId: string,
    chartPaths: string[],
  ): Promise<string[]> {
    const paths = new Set<string>();
    for (const part of queryBatches(chartPaths)) {
      const rows = await this.db<ReleaseRow>('gitops_releases')
        .distinct('source_path')
        .where({ repository_id: repositoryId })
        .whereIn('chart_path', part);
      rows.forEach(row => paths.add(row.source_path));
    }
    return [...paths].sort();
  }

  async chartOf(repositoryId: string, chartPath: string) {
    const row = await this.db<ReleaseRow>('gitops_releases')
      .select('chart_path', 'chart_version', 'chart_revision')
      .where({ repository_id: repositoryId, chart_path: chartPath })
      .first();
    if (!row) return undefined;
    return {
      chartPath: row.chart_path!,
      chartVersion: row.chart_version ?? undefined,
      chartRevision: row.chart_revision ?? undefined,
    };
  }

  async releasesFromPaths(
    repositoryId: string,
    paths: string[] | 'all',
  ): Promise<ReleaseRecord[]> {
    if (paths === 'all') {
      return this.hydrate(
        await this.db<ReleaseRow>('gitops_releases').where({
          repository_id: repositoryId,
        }),
      );
    }
    const rows: ReleaseRow[] = [];
    for (const part of queryBatches(paths)) {
      rows.push(
        ...(await this.db<ReleaseRow>('gitops_releases')
          .where({ repository_id: repositoryId })
          .whereIn('source_path', part)),
      );
    }
    return this.hydrate(rows);
  }

  async releasesOfEnvironments(environments: string[]): Promise<ReleaseRecord[]> {
    if (environments.length === 0) return [];
    return this.hydrate(
      await this.db<ReleaseRow>('gitops_releases').whereIn('environment', environments),
    );
  }

  async applySync(sync: SyncRecord): Promise<void> {
    const keptPaths = sync.keptPaths ?? [];
    await this.db.transaction(async tx => {
      const releases = tx('gitops_releases').where({
        repository_id: sync.repositoryId,
      });
      const errors = tx<ErrorRow>('gitops_errors').where({
        repository_id: sync.repositoryId,
      });
      const problemPaths = [...sync.replacedPaths, ...keptPaths];
      const standing: ErrorRow[] = [];
      if (sync.full) {
        standing.push(...(await errors.clone()));
        await errors.clone().delete();
        // Files held at their last good state keep their releases.
        const kept = new Set(keptPaths);
        const replaced = (
          await releases.clone().select('id', 'source_path')
        ).filter((row: Pick<ReleaseRow, 'source_path'>) => !kept.has(row.source_path));
        for (const part of queryBatches(replaced.map((row: Pick<ReleaseRow, 'id'>) => row.id))) {
          await releases.clone().whereIn('id', part).delete();
        }
      } else {
        for (const part of queryBatches(problemPaths)) {
          standing.push(...(await errors.clone().whereIn('path', part)));
          await errors.clone().whereIn('path', part).delete();
        }
        for (const part of queryBatches(sync.replacedPaths)) {
          await releases.clone().whereIn('source_path', part).delete();
        }
      }
      // Images go by cascade on PostgreSQL; SQLite needs it spelled out
      // when foreign keys are off.
      await tx('gitops_release_images')
        .whereNotIn('release_id', tx('gitops_releases').select('id'))
        .delete();

      for (const release of sync.releases) {
        const [inserted] = await tx('gitops_releases')
          .insert({
            repository_id: sync.repositoryId,
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
          })
          .returning('id');
        const releaseId =
          typeof inserted === 'object' ? inserted.id : (inserted as number);
        if (release.images.length > 0) {
          await tx('gitops_release_images').insert(
            release.images.map(image => ({
              release_id: releaseId,
              container: image.container,
              registry: image.registry ?? null,
              repository: image.repository,
              tag: image.tag,
              policy: image.policy ?? null,
              paths: JSON.stringify(image.paths),
            })),
          );
        }
      }

      const since = sinceOf(standing);
      for (const part of queryBatches(sync.problems)) {
        await tx('gitops_errors').insert(
          part.map(problem => {
            const message = storableText(problem.message);
            const first = since(problem.path, Boolean(problem.blocking), message);
            return {
              repository_id: sync.repositoryId,
              environment: problem.environment ?? null,
              path: problem.path,
              line: problem.line ?? null,
              message,
              commit_sha: first?.commit_sha ?? sync.commit,
              created_at: first ? new Date(first.created_at) : sync.syncedAt,
              blocking: Boolean(problem.blocking),
            };
          }),
        );
      }
      await insertEvents(tx, sync.events);
      await tx<RepositoryRow>('gitops_repositories')
        .where({ id: sync.repositoryId })
        .update({
          last_commit: sync.commit,
          last_synced_at: sync.syncedAt,
          last_error: null,
          last_error_at: null,
        });
    });
  }

  async findReleases(match: ReleaseMatch): Promise<ReleaseRecord[]> {
    const ids = new Set<number>();
    if (match.chartNames.length > 0) {
      const rows = await this.db<ReleaseRow>('gitops_releases')
        .select('id')
        .whereIn('chart_name', match.chartNames);
      rows.forEach(row => ids.add(row.id));
    }
    if (match.imageRepositories.length > 0) {
      const rows = await this.db<ImageRow>('gitops_release_images')
        .distinct('release_id')
        .whereIn('repository', match.imageRepositories);
      rows.forEach(row => ids.add(row.release_id));
    }
    if (match.labelSelectors.length > 0) {
      // Label selectors cannot be expressed portably over JSON text, and
      // the labels column is small: filter in memory.
      const rows = await this.db<ReleaseRow>('gitops_releases').select(
        'id',
        'labels',
      );
      for (const row of rows) {
        const labels = JSON.parse(row.labels);
        if (match.labelSelectors.some(s => labelsMatch(labels, s))) {
          ids.add(row.id);
        }
      }
    }
    const rows: ReleaseRow[] = [];
    for (const part of queryBatches([...ids])) {
      rows.push(...(await this.db<ReleaseRow>('gitops_releases').whereIn('id', part)));
    }
    return this.hydrate(rows);
  }

  async getRelease(key: ReleaseKey): Promise<ReleaseRecord | undefined> {
    const rows = await this.db<ReleaseRow>('gitops_releases').where(key);
    const [release] = await this.hydrate(rows);
    return release;
  }

  async listProblems(repositoryIds: string[]): Promise<GitopsProblem[]> {
    if (repositoryIds.length === 0) return [];
    const problems: GitopsProblem[] = [];
    const repos = await this.db<RepositoryRow>('gitops_repositories')
      .whereIn('id', repositoryIds)
      .whereNotNull('last_error');
    for (const repo of repos) {
      problems.push({
        repository: repo.id,
        path: '',
        message: repo.last_error!,
        at: iso(repo.last_error_at) ?? new Date(0).toISOString(),
      });
    }
    const rows = await this.db<ErrorRow>('gitops_errors')
      .whereIn('repository_id', repositoryIds)
      .orderBy([{ column: 'path' }, { column: 'line' }]);
    for (const row of rows) {
      problems.push(
        defined({
          repository: row.repository_id,
          environment: row.environment ?? undefined,
          path: row.path,
          line: row.line ?? undefined,
          message: row.message,
          at: iso(row.created_at)!,
          commit: row.commit_sha ?? undefined,
          source: 'git' as const,
        }),
      );
    }
    // Apply and prune problems of the environments of these repositories.
    const applyRows = await this.db<ApplyProblemRow>('gitops_apply_problems')
      .whereIn('repository_id', repositoryIds)
      .orderBy([{ column: 'environment' }, { column: 'path' }, { column: 'id' }]);
    for (const row of applyRows) {
      problems.push(
        defined({
          repository: row.repository_id,
          environment: row.environment,
          path: row.path,
          message: row.message,
          at: iso(row.created_at)!,
          commit: row.commit ?? undefined,
          source: row.source as 'apply' | 'prune',
          object: row.object ?? undefined,
        }),
      );
    }
    return problems;
  }

  async listSourceProblems(repositoryIds: string[]): Promise<SourceProblemRecord[]> {
    if (repositoryIds.length === 0) return [];
    const rows = await this.db<ErrorRow>('gitops_errors')
      .whereIn('repository_id', repositoryIds)
      .where({ blocking: true })
      .orderBy([{ column: 'repository_id' }, { column: 'path' }, { column: 'line' }, { column: 'id' }]);
    const first = new Map<string, ErrorRow>();
    for (const row of rows) {
      const key = JSON.stringify([row.repository_id, row.path]);
      if (!first.has(key)) first.set(key, row);
    }
    return [...first.values()].map(row =>
      defined({
        repository: row.repository_id,
        path: row.path,
        line: row.line ?? undefined,
        message: row.message,
        commit: row.commit_sha ?? undefined,
        since: iso(row.created_at)!,
      }),
    );
  }

  async recordImageStatuses(statuses: ImageStatusRecord[]): Promise<void> {
    if (statuses.length === 0) return;
    await this.db.transaction(async tx => {
      for (const part of queryBatches(statuses)) {
        await tx('gitops_image_status')
          .insert(
            part.map(s => ({
              repository_id: s.repositoryId,
              environment: s.environment,
              namespace: s.namespace,
              name: s.name,
              container: s.container,
              latest_tag: s.status.latestTag ?? null,
              latest_created_at: s.status.latestCreatedAt ?? null,
              reason: s.status.reason ?? null,
              error: s.status.error ?? null,
              checked_at: new Date(s.status.checkedAt),
            })),
          )
          .onConflict(['environment', 'namespace', 'name', 'container'])
          .merge();
      }
    });
  }

  async listReleaseStatuses(cluster: string): Promise<ReleaseStatusRecord[]> {
    const rows = await this.db<ReleaseStatusRow>('gitops_release_status')
      .where({ cluster })
      .orderBy(releaseKeyColumns);
    return rows.map(toReleaseStatus);
  }

  async getReleaseStatuses(keys: ReleaseKey[]): Promise<ReleaseStatusRecord[]> {
    const rows: ReleaseStatusRow[] = [];
    const tuples = keys.map(k => [k.environment, k.namespace, k.name]);
    for (const part of queryBatches(tuples)) {
      rows.push(
        ...(await this.db<ReleaseStatusRow>('gitops_release_status')
          .whereIn(releaseKeyColumns, part)
          .orderBy(releaseKeyColumns)),
      );
    }
    return rows.map(toReleaseStatus);
  }

  async getHelmHistory(key: ReleaseKey): Promise<HelmHistoryRecord | undefined> {
    const rows = await this.db<HelmHistoryRow>('gitops_helm_history')
      .where({
        environment: key.environment,
        namespace: key.namespace,
        name: key.name,
      })
      .orderBy('revision', 'desc');
    if (rows.length === 0) return undefined;
    return {
      environment: key.environment,
      namespace: key.namespace,
      name: key.name,
      cluster: rows[0].cluster,
      revisions: rows.map(row =>
        defined({
          revision: row.revision,
          status: row.status,
          chartName: row.chart_name ?? undefined,
          chartVersion: row.chart_version ?? undefined,
          appVersion: row.app_version ?? undefined,
          description: row.description ?? undefined,
          firstDeployedAt: iso(row.first_deployed_at),
          deployedAt: iso(row.deployed_at),
        }),
      ),
    };
  }

  async applyReconcile(record: ReconcileRecord): Promise<void> {
    await this.db.transaction(async tx => {
      const statuses = lastByKey(record.statuses, releaseKeyOf);
      for (const part of queryBatches(statuses)) {
        await tx('gitops_release_status')
          .insert(part.map(releaseStatusRow))
          .onConflict(releaseKeyColumns)
          .merge();
      }

      // Only this cluster's rows: a release that moved to another cluster
      // keeps what that cluster recorded for it.
      const removed = record.removed.map(k => [k.environment, k.namespace, k.name]);
      for (const part of queryBatches(removed)) {
        for (const table of ['gitops_release_status', 'gitops_helm_history']) {
          await tx(table)
            .where({ cluster: record.cluster })
            .whereIn(releaseKeyColumns, part)
            .delete();
        }
      }

      for (const history of record.histories) {
        await tx('gitops_helm_history')
          .where({
            environment: history.environment,
            namespace: history.namespace,
            name: history.name,
          })
          .delete();
        for (const part of queryBatches(helmHistoryRows(history))) {
          await tx('gitops_helm_history').insert(part);
        }
      }

      await insertEvents(tx, record.events);

      // The error stays: readers compare its time with last_reconciled_at.
      await tx('gitops_clusters')
        .insert({ name: record.cluster, last_reconciled_at: record.at })
        .onConflict('name')
        .merge(['last_reconciled_at']);
    });
  }

  async recordClusterFailure(
    cluster: string,
    message: string,
    at: Date,
  ): Promise<void> {
    await this.db('gitops_clusters')
      .insert({ name: cluster, last_error: message, last_error_at: at })
      .onConflict('name')
      .merge(['last_error', 'last_error_at']);
  }

  async ensureClusters(
    clusters: Array<{ name: string; title?: string }>,
  ): Promise<void> {
    const rows = lastByKey(clusters, c => c.name).map(c => ({
      name: c.name,
      title: c.title ?? null,
    }));
    for (const part of queryBatches(rows)) {
      await this.db('gitops_clusters')
        .insert(part)
        .onConflict('name')
        .merge(['title']);
    }
  }

  async listClusters(): Promise<GitopsClusterStatus[]> {
    const rows = await this.db<ClusterRow>('gitops_clusters').orderBy('name');
    return rows.map(toCluster);
  }

  async getAppliedObjects(
    environment: string,
  ): Promise<{ commit?: string; objects: AppliedObjectRecord[] }> {
    const rows = await this.db<AppliedObjectRow>('gitops_applied_objects')
      .where({ environment })
      .orderBy(appliedObjectKeyColumns);
    const applied = await this.db<AppliedCommitRow>('gitops_applied_commits')
      .where({ environment })
      .first();
    return defined({
      commit: applied?.commit,
      objects: rows.map(row => ({
        apiVersion: row.api_version,
        kind: row.kind,
        namespace: row.namespace,
        name: row.name,
        sourcePath: row.source_path,
        digest: row.digest,
        appliedAt: iso(row.applied_at)!,
      })),
    });
  }

  async recordApply(apply: {
    environment: string;
    commit?: string;
    upserted: AppliedObjectRecord[];
    removed: AppliedObjectKey[];
    problems?: { repositoryId: string; items: ApplyProblemRecord[] };
  }): Promise<void> {
    await this.db.transaction(async tx => {
      if (apply.problems) {
        await replaceApplyProblems(tx, apply.environment, apply.problems);
      }
      // Removals first: an object named in both was applied, so it stays.
      const removed = apply.removed.map(k => [k.apiVersion, k.kind, k.namespace, k.name]);
      for (const part of queryBatches(removed)) {
        await tx('gitops_applied_objects')
          .where({ environment: apply.environment })
          .whereIn(appliedObjectKeyColumns, part)
          .delete();
      }
      const upserted = lastByKey(apply.upserted, appliedObjectKeyOf);
      for (const part of queryBatches(upserted)) {
        await tx('gitops_applied_objects')
          .insert(part.map(o => appliedObjectRow(apply.environment, o)))
          .onConflict(['environment', ...appliedObjectKeyColumns])
          .merge();
      }
      if (apply.commit !== undefined) {
        await tx('gitops_applied_commits')
          .insert({
            environment: apply.environment,
            commit: apply.commit,
            applied_at: new Date(),
          })
          .onConflict('environment')
          .merge();
      }
    });
  }

  async getHeldPrune(environment: string): Promise<HeldPruneRecord | undefined> {
    const row = await this.db<HeldPruneRow>('gitops_held_prunes').where({ environment }).first();
    return row ? toHeldPrune(row) : undefined;
  }

  async holdPrune(
    held: Omit<HeldPruneRecord, 'confirmedBy' | 'confirmedAt'>,
  ): Promise<HeldPruneRecord> {
    return this.db.transaction(async tx => {
      const row = await tx<HeldPruneRow>('gitops_held_prunes')
        .where({ environment: held.environment })
        .first();
      const objects = objectSetText(held.objects);
      if (row && row.commit === held.commit && row.objects === objects) {
        return toHeldPrune(row);
      }
      const next: HeldPruneRow = {
        environment: held.environment,
        commit: held.commit,
        objects,
        total: held.total,
        held_at: new Date(held.heldAt),
        confirmed_by: null,
        confirmed_at: null,
      };
      await tx('gitops_held_prunes').insert(next).onConflict('environment').merge();
      return toHeldPrune(next);
    });
  }

  async confirmHeldPrune(
    environment: string,
    confirmation: { commit: string; actor: string; at: Date },
  ): Promise<HeldPruneRecord | undefined> {
    return this.db.transaction(async tx => {
      const updated = await tx('gitops_held_prunes')
        .where({ environment, commit: confirmation.commit })
        .update({ confirmed_by: confirmation.actor, confirmed_at: confirmation.at });
      if (updated === 0) return undefined;
      const row = await tx<HeldPruneRow>('gitops_held_prunes').where({ environment }).first();
      return row ? toHeldPrune(row) : undefined;
    });
  }

  async releaseHeldPrune(environment: string): Promise<void> {
    await this.db('gitops_held_prunes').where({ environment }).delete();
  }

  async forgetApplied(environment: string): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('gitops_applied_objects').where({ environment }).delete();
      await tx('gitops_applied_commits').where({ environment }).delete();
    });
  }

  async addEvents(events: NewEvent[]): Promise<void> {
    await insertEvents(this.db, events);
  }

  async listEvents(query: {
    releases: ReleaseKey[];
    repositoryIds: string[];
    limit: number;
  }): Promise<GitopsEvent[]> {
    if (query.releases.length === 0 && query.repositoryIds.length === 0) {
      return [];
    }
    const rows = await this.db<EventRow>('gitops_events')
      .where(builder => {
        for (const key of query.releases) {
          builder.orWhere(key);
        }
        if (query.repositoryIds.length > 0) {
          builder.orWhere(inner =>
            inner.whereNull('name').whereIn('repository_id', query.repositoryIds),
          );
        }
      })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(query.limit);
    return rows.map(toEvent);
  }

  private async hydrate(rows: ReleaseRow[]): Promise<ReleaseRecord[]> {
    const images = new Map<number, ImageRow[]>();
    for (const part of queryBatches(rows.map(row => row.id))) {
      const imageRows = await this.db<ImageRow>('gitops_release_images')
        .whereIn('release_id', part)
        .orderBy('container');
      for (const image of imageRows) {
        const list = images.get(image.release_id) ?? [];
        list.push(image);
        images.set(image.release_id, list);
      }
    }
    const statuses = new Map<string, StatusRow>();
    const keys = rows.map(r => [r.environment, r.namespace, r.name]);
    for (const part of queryBatches(keys)) {
      const statusRows = await this.db<StatusRow>('gitops_image_status').whereIn(
        ['environment', 'namespace', 'name'],
        part,
      );
      for (const status of statusRows) {
        statuses.set(
          `${status.environment}/${status.namespace}/${status.name}/${status.container}`,
          status,
        );
      }
    }
    const statusOf = (row: ReleaseRow, container: string) => {
      const status = statuses.get(
        `${row.environment}/${row.namespace}/${row.name}/${container}`,
      );
      if (!status) return {};
      return {
        status: {
          latestTag: status.latest_tag ?? undefined,
          latestCreatedAt: status.latest_created_at ?? undefined,
          reason: status.reason ?? undefined,
          error: status.error ?? undefined,
          checkedAt: new Date(status.checked_at).toISOString(),
        },
      };
    };
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
        labels: JSON.parse(row.labels),
        annotations: JSON.parse(row.annotations),
        automated: Boolean(row.automated),
        locked: Boolean(row.locked),
        sourcePath: row.source_path,
        spec: JSON.parse(row.spec),
        commit: row.commit_sha,
        updatedAt: new Date(row.updated_at).toISOString(),
        images: (images.get(row.id) ?? []).map(image => ({
          container: image.container,
          registry: image.registry ?? undefined,
          repository: image.repository,
          tag: image.tag,
          policy: image.policy ?? undefined,
          paths: JSON.parse(image.paths),
          ...statusOf(row, image.container),
        })),
      }))
      .sort(
        (a, b) =>
          a.environment.localeCompare(b.environment) ||
          a.namespace.localeCompare(b.namespace) ||
          a.name.localeCompare(b.name),
      );
  }
}

/**
 * Replaces the apply and prune problems an environment's apply recorded
 * (some may concern another environment). A problem that stands on (same
 * environment, source, file, object and message) keeps the time it first
 * appeared.
 */
async function replaceApplyProblems(
  tx: Knex.Transaction,
  environment: string,
  problems: { repositoryId: string; items: ApplyProblemRecord[] },
): Promise<void> {
  const identity = (p: {
    environment?: string;
    source: string;
    path: string;
    object?: string | null;
    message: string;
  }) => JSON.stringify([p.environment ?? environment, p.source, p.path, p.object ?? '', p.message]);
  const recorded = tx<ApplyProblemRow>('gitops_apply_problems').where({ recorded_by: environment });
  const before = new Map((await recorded.clone()).map(row => [identity(row), row.created_at]));
  await recorded.clone().delete();
  const now = new Date();
  const rows: ApplyProblemRow[] = problems.items.map(problem => ({
    environment: problem.environment ?? environment,
    recorded_by: environment,
    repository_id: problems.repositoryId,
    source: problem.source,
    path: problem.path,
    object: problem.object ?? null,
    message: problem.message,
    commit: problem.commit ?? null,
    created_at: before.has(identity(problem)) ? new Date(before.get(identity(problem))!) : now,
  }));
  for (const part of queryBatches(rows)) {
    await tx('gitops_apply_problems').insert(part);
  }
}

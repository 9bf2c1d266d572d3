import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  GitopsEnvironment,
  GitopsProblem,
  GitopsReleaseKey,
  GitopsRepositoryStatus,
  ImageName,
  resolveImageName,
} from '@backstage-gitops/plugin-gitops-common';
import { Knex } from 'knex';
import { withoutUrlCredentials } from '../git';
import { insertEvents } from './DatabaseEventStore';
import {
  firstProblemPerFile,
  GitProblemRow,
  gitProblemRows,
  toGitProblem,
} from './gitProblemRows';
import { FluxObjectKind } from '../kernel';
import {
  FluxObjectRow,
  replaceFluxObjects,
  toFluxObject,
} from './fluxObjectRows';
import { migratedClient } from './migrations';
import { queryBatches } from './queryBatches';
import {
  selectorMatches,
  whereEntityMatch,
  whereReleaseFilter,
} from './releaseQuery';
import {
  insertReleases,
  readReleases,
  ReleaseFileRow,
  ReleaseImageRow,
  ReleaseRow,
} from './releaseRows';
import { iso } from './rowMapping';
import { storableText } from './storableValues';
import {
  EnvironmentSource,
  FluxObjectRecord,
  ReleaseFilter,
  ReleaseLocation,
  ReleaseMatch,
  ReleaseRecord,
  SourceProblemRecord,
  SyncRecord,
  SyncStateStore,
} from './SyncStateStore';

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
  kustomization: string | null;
};

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

/** Releases one sync must write before the planner's statistics are refreshed at once. */
const BULK_WRITE = 1000;

/**
 * After a bulk write (a first sync of a fleet), PostgreSQL's statistics
 * still describe the tables as they were until autovacuum gets to them,
 * and the read queries' plans (the labels index, the per-environment
 * probes) turn into scans of every release. A sync that wrote that many
 * rows refreshes them now; ANALYZE samples, so it stays cheap.
 */
async function refreshStatistics(db: Knex, written: number) {
  if (written < BULK_WRITE || db.client.config.client !== 'pg') return;
  await db.raw(
    'ANALYZE gitops_releases, gitops_release_labels, gitops_release_images',
  );
}

/** Paths grouped by environment. */
function byEnvironment(
  sources: EnvironmentSource[] | undefined,
): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const { environment, path } of sources ?? []) {
    grouped.set(environment, [...(grouped.get(environment) ?? []), path]);
  }
  return grouped;
}

/** The knex implementation of {@link SyncStateStore}, for SQLite and PostgreSQL. */
export class DatabaseSyncStateStore implements SyncStateStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseSyncStateStore> {
    return new DatabaseSyncStateStore(await migratedClient(options.database));
  }

  constructor(private readonly db: Knex) {}

  async ensureRepository(repo: {
    id: string;
    url: string;
    branch: string;
  }): Promise<void> {
    await this.db<RepositoryRow>('gitops_repositories')
      .insert({
        id: repo.id,
        url: withoutUrlCredentials(repo.url),
        branch: repo.branch,
      })
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
    const rows = await this.db<RepositoryRow>('gitops_repositories').orderBy(
      'id',
    );
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
          environments.map(
            (env): EnvironmentRow => ({
              name: env.name,
              repository_id: repositoryId,
              path: env.path,
              cluster: env.cluster ?? null,
              order: env.order,
              kustomization: env.kustomization
                ? JSON.stringify(env.kustomization)
                : null,
            }),
          ),
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
      ...(row.kustomization
        ? { kustomization: JSON.parse(row.kustomization) }
        : {}),
    }));
  }

  async sourcePathsForCharts(
    repositoryId: string,
    chartPaths: string[],
  ): Promise<string[]> {
    const paths = new Set<string>();
    for (const part of queryBatches(chartPaths)) {
      // Not DISTINCT: SQLite would then walk every release in source_path
      // order instead of looking the chart paths up in their index.
      const rows = await this.db<ReleaseRow>('gitops_releases')
        .select('source_path')
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
      return readReleases(
        this.db,
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
    return readReleases(this.db, rows);
  }

  async sourcePathsBuiltFrom(
    repositoryId: string,
    paths: string[],
  ): Promise<string[]> {
    const found = new Set<string>();
    for (const part of queryBatches(paths)) {
      const rows = await this.db<ReleaseRow>('gitops_releases')
        .distinct('gitops_releases.source_path')
        .join<ReleaseFileRow>(
          'gitops_release_files',
          'gitops_release_files.release_id',
          'gitops_releases.id',
        )
        .where('gitops_releases.repository_id', repositoryId)
        .whereIn('gitops_release_files.path', part);
      rows.forEach(row => found.add(row.source_path));
    }
    return [...found].sort();
  }

  async listFluxObjects(
    repositoryId: string,
    kinds?: FluxObjectKind[],
  ): Promise<FluxObjectRecord[]> {
    if (kinds && kinds.length === 0) return [];
    const query = this.db<FluxObjectRow>('gitops_flux_objects')
      .where({ repository_id: repositoryId })
      .orderBy([{ column: 'path' }, { column: 'line' }, { column: 'id' }]);
    if (kinds) query.whereIn('kind', kinds);
    return (await query).map(toFluxObject);
  }

  async fluxObjectsOf(
    repositoryId: string,
    where: { paths: string[] } | { environment: string },
  ): Promise<FluxObjectRecord[]> {
    const query = () =>
      this.db<FluxObjectRow>('gitops_flux_objects').where({
        repository_id: repositoryId,
      });
    const rows: FluxObjectRow[] = [];
    if ('environment' in where) {
      rows.push(...(await query().where({ environment: where.environment })));
    } else {
      for (const part of queryBatches(where.paths)) {
        rows.push(...(await query().whereIn('path', part)));
      }
    }
    return rows
      .sort(
        (a, b) =>
          Number(a.path > b.path) - Number(a.path < b.path) ||
          a.line - b.line ||
          a.id - b.id,
      )
      .map(toFluxObject);
  }

  async releasesOfEnvironments(
    environments: string[],
  ): Promise<ReleaseRecord[]> {
    if (environments.length === 0) return [];
    return readReleases(
      this.db,
      await this.db<ReleaseRow>('gitops_releases').whereIn(
        'environment',
        environments,
      ),
    );
  }

  async applySync(sync: SyncRecord): Promise<void> {
    const keptPaths = sync.keptPaths ?? [];
    await this.db.transaction(async tx => {
      if (sync.expectedCommit !== undefined) {
        // Claims the row first (PostgreSQL holds it until commit): a sync
        // that started from a commit another replica has stored since
        // stores nothing.
        const claim = tx<RepositoryRow>('gitops_repositories').where({
          id: sync.repositoryId,
        });
        const claimed = await (sync.expectedCommit === null
          ? claim.whereNull('last_commit')
          : claim.where({ last_commit: sync.expectedCommit })
        ).update({ last_commit: sync.commit });
        if (claimed === 0) {
          throw new ConflictError(
            `Repository ${sync.repositoryId} was synced past ${
              sync.expectedCommit ?? 'its first commit'
            } meanwhile`,
          );
        }
      }
      const releases = tx('gitops_releases').where({
        repository_id: sync.repositoryId,
      });
      const errors = tx<GitProblemRow>('gitops_errors').where({
        repository_id: sync.repositoryId,
      });
      const problemPaths = [...sync.replacedPaths, ...keptPaths];
      const standing: GitProblemRow[] = [];
      if (sync.full) {
        standing.push(...(await errors.clone()));
        await errors.clone().delete();
        // Files held at their last good state keep their releases.
        const kept = new Set(keptPaths);
        const replaced = (
          await releases.clone().select('id', 'source_path')
        ).filter(
          (row: Pick<ReleaseRow, 'source_path'>) => !kept.has(row.source_path),
        );
        for (const part of queryBatches(
          replaced.map((row: Pick<ReleaseRow, 'id'>) => row.id),
        )) {
          await releases.clone().whereIn('id', part).delete();
        }
      } else {
        for (const part of queryBatches(problemPaths)) {
          standing.push(...(await errors.clone().whereIn('path', part)));
          await errors.clone().whereIn('path', part).delete();
        }
        // A release's images, files and labels go with it, found by its
        // id (cascade on PostgreSQL; SQLite may have foreign keys off).
        const deleteReleases = async (which: Knex.QueryBuilder) => {
          for (const table of [
            'gitops_release_images',
            'gitops_release_files',
            'gitops_release_labels',
          ]) {
            await tx(table)
              .whereIn('release_id', which.clone().select('id'))
              .delete();
          }
          await which.clone().delete();
        };
        for (const part of queryBatches(sync.replacedPaths)) {
          await deleteReleases(releases.clone().whereIn('source_path', part));
        }
        const sources = sync.replacedSources;
        for (const [environment, paths] of byEnvironment(sources?.problems)) {
          for (const part of queryBatches(paths)) {
            const rows = errors
              .clone()
              .where({ environment })
              .whereIn('path', part);
            standing.push(...(await rows.clone()));
            await rows.clone().delete();
          }
        }
        for (const [environment, paths] of byEnvironment(sources?.releases)) {
          for (const part of queryBatches(paths)) {
            await deleteReleases(
              releases
                .clone()
                .where({ environment })
                .whereIn('source_path', part),
            );
          }
        }
      }
      if (sync.full) {
        // Images go by cascade on PostgreSQL; SQLite needs it spelled out
        // when foreign keys are off. A full sync also clears any orphan.
        await tx('gitops_release_images')
          .whereNotIn('release_id', tx('gitops_releases').select('id'))
          .delete();
        await tx('gitops_release_files')
          .whereNotIn('release_id', tx('gitops_releases').select('id'))
          .delete();
        await tx('gitops_release_labels')
          .whereNotIn('release_id', tx('gitops_releases').select('id'))
          .delete();
      }
      await replaceFluxObjects(tx, {
        repositoryId: sync.repositoryId,
        full: sync.full,
        replacedPaths: sync.replacedPaths,
        replacedSources: sync.replacedSources?.fluxObjects ?? [],
        keptPaths,
        objects: sync.fluxObjects ?? [],
      });

      await insertReleases(tx, sync.repositoryId, sync.releases);

      for (const part of queryBatches(
        gitProblemRows(sync, sync.problems, standing),
      )) {
        await tx('gitops_errors').insert(part);
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
    await refreshStatistics(this.db, sync.releases.length);
  }

  async findReleases(
    match: ReleaseMatch,
    filter?: ReleaseFilter,
  ): Promise<ReleaseRecord[]> {
    // Images resolve their registry in code (defaults, Docker Hub's
    // library/): the repository index narrows the rows first.
    const imageIds = new Set<number>();
    if (match.imageRepositories.length > 0) {
      const rows = await this.db<ReleaseImageRow>('gitops_release_images')
        .select('release_id', 'registry', 'repository')
        .whereIn('repository', match.imageRepositories);
      rows
        .filter(row => namesImage(match.imageNames, row))
        .forEach(row => imageIds.add(row.release_id));
    }
    const select = (releaseIds: number[]) => {
      const query =
        this.db<ReleaseRow>('gitops_releases').select('gitops_releases.*');
      whereEntityMatch(this.db, query, {
        chartNames: match.chartNames,
        releaseIds,
        labelSelectors: match.labelSelectors,
      });
      if (filter) whereReleaseFilter(this.db, query, filter);
      return query;
    };
    // One query, unless an entity's images name more releases than one
    // statement may list.
    const idBatches = queryBatches([...imageIds]);
    const rows = new Map<number, ReleaseRow>();
    for (const releaseIds of idBatches.length > 0 ? idBatches : [[]]) {
      for (const row of await select(releaseIds)) rows.set(row.id, row);
    }
    // The candidates of a selector carry its first term; the rest is
    // checked here, on an entity's few rows.
    const charts = new Set(match.chartNames);
    const matched = [...rows.values()].filter(
      row =>
        charts.has(row.chart_name) ||
        imageIds.has(row.id) ||
        match.labelSelectors.some(selector =>
          selectorMatches(JSON.parse(row.labels), selector),
        ),
    );
    return readReleases(this.db, matched);
  }

  async releaseLocations(filter?: ReleaseFilter): Promise<ReleaseLocation[]> {
    // One probe of the releases' (environment, ...) index per environment,
    // rather than reading every release to find the few places they live.
    const readable = this.db<ReleaseRow>('gitops_releases')
      .select(this.db.raw('1'))
      .whereRaw('gitops_releases.environment = e.name')
      .whereRaw('gitops_releases.repository_id = e.repository_id');
    if (filter) whereReleaseFilter(this.db, readable, filter);
    const rows: Array<{ repository_id: string; name: string }> = await this.db(
      'gitops_environments as e',
    )
      .distinct('e.repository_id', 'e.name')
      .whereExists(readable)
      .orderBy(['e.repository_id', 'e.name']);
    return rows.map(row => ({
      repository: row.repository_id,
      environment: row.name,
    }));
  }

  async getRelease(key: GitopsReleaseKey): Promise<ReleaseRecord | undefined> {
    const rows = await this.db<ReleaseRow>('gitops_releases').where(key);
    const [release] = await readReleases(this.db, rows);
    return release;
  }

  async listProblems(repositoryIds: string[]): Promise<GitopsProblem[]> {
    if (repositoryIds.length === 0) return [];
    const repos = await this.db<RepositoryRow>('gitops_repositories')
      .whereIn('id', repositoryIds)
      .whereNotNull('last_error');
    const fetchFailures = repos.map(repo => ({
      repository: repo.id,
      path: '',
      message: repo.last_error!,
      at: iso(repo.last_error_at) ?? new Date(0).toISOString(),
    }));
    const rows = await this.db<GitProblemRow>('gitops_errors')
      .whereIn('repository_id', repositoryIds)
      .orderBy([{ column: 'path' }, { column: 'line' }]);
    return [...fetchFailures, ...rows.map(toGitProblem)];
  }

  async listSourceProblems(
    repositoryIds: string[],
  ): Promise<SourceProblemRecord[]> {
    if (repositoryIds.length === 0) return [];
    const rows = await this.db<GitProblemRow>('gitops_errors')
      .whereIn('repository_id', repositoryIds)
      .where({ blocking: true })
      .orderBy([
        { column: 'repository_id' },
        { column: 'path' },
        { column: 'line' },
        { column: 'id' },
      ]);
    return firstProblemPerFile(rows);
  }
}

/** Whether a stored image is one of the entity's images (any, when unnamed). */
function namesImage(
  names: ImageName[] | undefined,
  row: { registry: string | null; repository: string },
): boolean {
  if (!names) return true;
  let stored: ImageName;
  try {
    stored = resolveImageName({
      registry: row.registry ?? undefined,
      repository: row.repository,
    });
  } catch {
    return false;
  }
  return names.some(
    name => name.host === stored.host && name.repository === stored.repository,
  );
}

import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { ChartStatusRecord, ChartStatusStore } from './ChartStatusStore';
import { migratedClient } from './migrations';
import { queryBatches } from './queryBatches';
import { releaseKeyColumns } from './rowMapping';
import { GitopsReleaseKey } from '@backstage-gitops/plugin-gitops-common';

type ChartStatusRow = {
  repository_id: string;
  environment: string;
  namespace: string;
  name: string;
  source: string;
  chart: string;
  version_range: string | null;
  latest_version: string | null;
  error: string | null;
  checked_at: Date | string;
};

const toRow = (record: ChartStatusRecord): ChartStatusRow => ({
  repository_id: record.repositoryId,
  environment: record.environment,
  namespace: record.namespace,
  name: record.name,
  source: record.status.source,
  chart: record.status.chart,
  version_range: record.status.range ?? null,
  latest_version: record.status.latestVersion ?? null,
  error: record.status.error ?? null,
  checked_at: new Date(record.status.checkedAt),
});

const fromRow = (row: ChartStatusRow): ChartStatusRecord => ({
  repositoryId: row.repository_id,
  environment: row.environment,
  namespace: row.namespace,
  name: row.name,
  status: {
    source: row.source,
    chart: row.chart,
    ...(row.version_range !== null ? { range: row.version_range } : {}),
    ...(row.latest_version !== null
      ? { latestVersion: row.latest_version }
      : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    checkedAt: new Date(row.checked_at).toISOString(),
  },
});

/** The knex implementation of {@link ChartStatusStore}, for SQLite and PostgreSQL. */
export class DatabaseChartStatusStore implements ChartStatusStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseChartStatusStore> {
    return new DatabaseChartStatusStore(await migratedClient(options.database));
  }

  constructor(private readonly db: Knex) {}

  async replaceChartStatuses(
    repositoryId: string,
    statuses: ChartStatusRecord[],
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('gitops_chart_status')
        .where({ repository_id: repositoryId })
        .delete();
      for (const part of queryBatches(statuses)) {
        await tx('gitops_chart_status')
          .insert(part.map(toRow))
          // A release key is unique across repositories; the newest scan wins.
          .onConflict([...releaseKeyColumns])
          .merge();
      }
    });
  }

  async getChartStatuses(
    keys: GitopsReleaseKey[],
  ): Promise<ChartStatusRecord[]> {
    const records: ChartStatusRecord[] = [];
    for (const part of queryBatches(
      keys.map(k => [k.environment, k.namespace, k.name]),
    )) {
      const rows = await this.db<ChartStatusRow>('gitops_chart_status').whereIn(
        releaseKeyColumns,
        part,
      );
      records.push(...rows.map(fromRow));
    }
    return records;
  }
}

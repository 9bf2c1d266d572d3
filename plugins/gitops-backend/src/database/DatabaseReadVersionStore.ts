import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { ReadVersionStore } from './ReadVersionStore';

/**
 * Large tables by aggregates that move with every write: releases and the
 * problems are only ever deleted and inserted (ids grow), statuses carry the
 * time they were checked, the owners the time they were resolved. Release
 * statuses change with their cluster's reconcile time, in the same
 * transaction.
 */
const AGGREGATES: Array<[table: string, column: string]> = [
  ['gitops_releases', 'id'],
  ['gitops_errors', 'id'],
  ['gitops_apply_problems', 'id'],
  ['gitops_image_status', 'checked_at'],
  ['gitops_chart_status', 'checked_at'],
  ['gitops_release_owners', 'resolved_at'],
];

/** Small tables whose rows change in place: read whole. */
const SMALL_TABLES = [
  'gitops_repositories',
  'gitops_environments',
  'gitops_clusters',
  'gitops_environment_flux_status',
  'gitops_held_prunes',
];

/** The knex implementation of {@link ReadVersionStore}: one round trip of aggregates, and the small tables. */
export class DatabaseReadVersionStore implements ReadVersionStore {
  constructor(private readonly db: Knex) {}

  async currentVersion(): Promise<string> {
    const { db } = this;
    const aggregates = db.select(
      Object.fromEntries(
        AGGREGATES.flatMap(([table, column], i) => [
          [`n${i}`, db(table).count('*')],
          [`m${i}`, db(table).max(column)],
        ]),
      ),
    );
    const [counts, ...small] = await Promise.all([
      aggregates.first(),
      ...SMALL_TABLES.map(table => db(table).select('*')),
    ]);
    const hash = createHash('sha256');
    hash.update(JSON.stringify(counts, (_key, value) => normalized(value)));
    for (const rows of small) {
      const lines = rows.map((row: object) => JSON.stringify(row, (_key, value) => normalized(value)));
      hash.update(JSON.stringify(lines.sort()));
    }
    return hash.digest('base64url').slice(0, 27);
  }
}

/** Dates and counts as one spelling whatever the driver answers. */
function normalized(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value;
}

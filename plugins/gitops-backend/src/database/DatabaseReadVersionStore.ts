import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { ReadVersionStore } from './ReadVersionStore';

/**
 * Large tables by aggregates that move with every write, one scan each.
 * Releases and file problems are written only by a sync, which also moves
 * its repository's row (read whole below); the highest release id is kept
 * too, from its index. Problems of applies are only deleted and inserted
 * (ids grow); statuses carry the time they were checked, the owners the
 * time they were resolved. Release statuses change with their cluster's
 * reconcile time, in the same transaction.
 */
const AGGREGATES: Array<[table: string, count: boolean, column: string]> = [
  ['gitops_releases', false, 'id'],
  ['gitops_apply_problems', true, 'id'],
  ['gitops_image_status', true, 'checked_at'],
  ['gitops_chart_status', true, 'checked_at'],
  ['gitops_release_owners', true, 'resolved_at'],
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
    // Constant names only: one statement, one scan per table.
    const sql = `select * from ${AGGREGATES.map(
      ([table, count, column], i) =>
        `(select ${count ? 'count(*)' : '0'} as n${i}, max(${column}) as m${i} from ${table}) as a${i}`,
    ).join(' cross join ')}`;
    const [result, ...small] = await Promise.all([
      db.raw(sql),
      ...SMALL_TABLES.map(table => db(table).select('*')),
    ]);
    // PostgreSQL answers { rows }, SQLite the rows.
    const counts = Array.isArray(result) ? result[0] : result.rows[0];
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

import { Knex } from 'knex';
import { ReadVersionStore } from './ReadVersionStore';

/**
 * The knex implementation of {@link ReadVersionStore}: the counter that the
 * database's own triggers move with every committed write to the tables the
 * reads answer from (migration `20261204000000_write_count`), so the version
 * is one primary-key read and no writer has to remember to move it.
 */
export class DatabaseReadVersionStore implements ReadVersionStore {
  constructor(private readonly db: Knex) {}

  async currentVersion(): Promise<string> {
    const row = await this.db('gitops_write_count').where({ id: 1 }).first('n');
    // PostgreSQL's bigint arrives as a string, SQLite's as a number.
    return String(row?.n ?? 0);
  }
}

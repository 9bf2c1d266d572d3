// A scratch PostgreSQL database per benchmark run: production runs on
// PostgreSQL, so the benchmarks refuse to fall back to anything else.
import knexFactory, { Knex } from 'knex';

const CONNECTION_VARIABLE =
  'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const DEFAULT_CONNECTION = 'postgresql://postgres@127.0.0.1:5432';

export type ScratchDatabase = { knex: Knex; drop(): Promise<void> };

/**
 * Creates an empty database named after `purpose` on the server of
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (127.0.0.1:5432 when
 * unset) and opens it; `drop()` closes and removes it. Throws, naming the
 * server, when PostgreSQL does not answer.
 */
export async function createScratchDatabase(
  purpose: string,
): Promise<ScratchDatabase> {
  const server = process.env[CONNECTION_VARIABLE] ?? DEFAULT_CONNECTION;
  const name = `gitops_bench_${purpose}_${process.pid}_${Date.now()}`;
  const admin = knexFactory({
    client: 'pg',
    connection: server,
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 5000,
  });
  try {
    await admin.raw('CREATE DATABASE ??', [name]);
  } catch (error) {
    await admin.destroy();
    throw new Error(
      `This benchmark needs PostgreSQL at ${server} (set ${CONNECTION_VARIABLE}): ${String(
        error,
      )}`,
    );
  }
  const knex = knexFactory({
    client: 'pg',
    connection: `${server.replace(/\/$/, '')}/${name}`,
    pool: { min: 0, max: 20 },
  });
  return {
    knex,
    async drop() {
      await knex.destroy();
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
      await admin.destroy();
    },
  };
}

export type ScratchDatabases = {
  /** `backend.database` config: one database per plugin, named `<prefix><pluginId>`. */
  config: { client: 'pg'; connection: string; prefix: string };
  /**
   * Creates the database Backstage will give `pluginId`, to fill before the
   * backend starts (it uses a database that exists); destroy the client after.
   */
  openPluginDatabase(pluginId: string): Promise<Knex>;
  /** Removes every database the backend created under the prefix. */
  drop(): Promise<void>;
};

/**
 * A prefix for Backstage's real database service to create one database per
 * plugin under, as production does (plugins that migrate their own tables,
 * such as the scheduler and the events bus, must not share one). Throws,
 * naming the server, when PostgreSQL does not answer.
 */
export async function createScratchDatabases(
  purpose: string,
): Promise<ScratchDatabases> {
  const server = process.env[CONNECTION_VARIABLE] ?? DEFAULT_CONNECTION;
  const prefix = `gitops_bench_${purpose}_${process.pid}_`;
  const admin = knexFactory({
    client: 'pg',
    connection: server,
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 5000,
  });
  try {
    await admin.raw('select 1');
  } catch (error) {
    await admin.destroy();
    throw new Error(
      `This benchmark needs PostgreSQL at ${server} (set ${CONNECTION_VARIABLE}): ${String(
        error,
      )}`,
    );
  }
  return {
    config: { client: 'pg', connection: server, prefix },
    async openPluginDatabase(pluginId: string) {
      await admin.raw('CREATE DATABASE ??', [`${prefix}${pluginId}`]);
      return knexFactory({
        client: 'pg',
        connection: `${server.replace(/\/$/, '')}/${prefix}${pluginId}`,
        pool: { min: 0, max: 10 },
      });
    },
    async drop() {
      const { rows } = await admin.raw(
        'select datname from pg_database where starts_with(datname, ?)',
        [prefix],
      );
      for (const { datname } of rows) {
        await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
      }
      await admin.destroy();
    },
  };
}

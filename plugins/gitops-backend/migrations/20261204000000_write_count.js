// @ts-check

/**
 * One counter that every committed write to the plugin's tables moves, so
 * that the read version behind the lists' ETags is a single primary-key
 * read instead of aggregates over the large tables, and no writer can forget
 * to move it.
 *
 * PostgreSQL: a deferred constraint trigger on each table bumps the counter
 * once per transaction, at commit. Its row lock is then held only while the
 * transaction commits (no writer waits on another's long sync), and a reader
 * sees the new count together with the data, never before it.
 * SQLite has one writer at a time: plain row triggers are exact there.
 *
 * The image tag metadata cache is left out: scans rewrite it and no read
 * answers from it. A later migration that adds a table must add its
 * triggers (`migrations.test.ts` checks every table has them).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_write_count', table => {
    table.comment(
      'Moves with every committed write to the plugin tables: the read version',
    );
    table.integer('id').primary();
    table.bigInteger('n').notNullable();
  });
  await knex('gitops_write_count').insert({ id: 1, n: 0 });

  const tables = await countedTables(knex);
  if (isPostgres(knex)) {
    // The counter's name is bound to the schema the function is created in.
    await knex.raw(`
      create function gitops_count_write() returns trigger language plpgsql
      set search_path from current as $$
      begin
        if current_setting('gitops.write_counted', true) = 'yes' then
          return null;
        end if;
        perform set_config('gitops.write_counted', 'yes', true);
        update gitops_write_count set n = n + 1 where id = 1;
        return null;
      end $$`);
    for (const table of tables) {
      await knex.raw(
        `create constraint trigger ?? after insert or update or delete on ??
         deferrable initially deferred for each row execute procedure gitops_count_write()`,
        [triggerName(table), table],
      );
    }
    return;
  }
  for (const table of tables) {
    for (const operation of ['insert', 'update', 'delete']) {
      await knex.raw(
        `create trigger ?? after ${operation} on ??
         begin update gitops_write_count set n = n + 1 where id = 1; end`,
        [`${triggerName(table)}_${operation}`, table],
      );
    }
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const tables = await countedTables(knex);
  if (isPostgres(knex)) {
    for (const table of tables) {
      await knex.raw('drop trigger if exists ?? on ??', [
        triggerName(table),
        table,
      ]);
    }
    await knex.raw('drop function if exists gitops_count_write()');
  } else {
    for (const table of tables) {
      for (const operation of ['insert', 'update', 'delete']) {
        await knex.raw('drop trigger if exists ??', [
          `${triggerName(table)}_${operation}`,
        ]);
      }
    }
  }
  await knex.schema.dropTable('gitops_write_count');
};

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.config.client === 'pg';
}

/** @param {string} table */
function triggerName(table) {
  return `${table}_counted`;
}

const UNCOUNTED = new Set(['gitops_write_count', 'gitops_image_tags']);

/**
 * The plugin's tables that reads answer from, as they are now.
 *
 * @param {import('knex').Knex} knex
 * @returns {Promise<string[]>}
 */
async function countedTables(knex) {
  const names = isPostgres(knex)
    ? (
        await knex.raw(
          `select table_name as name from information_schema.tables
           where table_schema = current_schema() and table_type = 'BASE TABLE'`,
        )
      ).rows.map((/** @type {{ name: string }} */ r) => r.name)
    : (
        await knex.raw(`select name from sqlite_master where type = 'table'`)
      ).map((/** @type {{ name: string }} */ r) => r.name);
  return names
    .filter((/** @type {string} */ name) => name.startsWith('gitops_'))
    .filter((/** @type {string} */ name) => !UNCOUNTED.has(name))
    .sort();
}

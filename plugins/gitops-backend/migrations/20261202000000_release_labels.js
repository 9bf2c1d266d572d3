// @ts-check

/** Kubernetes caps label keys at 317 and values at 63 characters; longer ones are not indexed. */
const MAX_KEY = 320;
const MAX_VALUE = 320;
const BATCH = 200;

/**
 * One row per label of each release, so that an entity's label selectors
 * are answered by an index instead of reading every release's labels.
 * Backfilled from the labels JSON of the stored releases.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_release_labels', table => {
    table.comment('Labels of each release, for selector queries');
    table
      .integer('release_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('gitops_releases')
      .onDelete('CASCADE');
    table.string('key', MAX_KEY).notNullable();
    table.string('value', MAX_VALUE).notNullable();
    table.primary(['release_id', 'key']);
    table.index(['key', 'value']);
  });
  let after = 0;
  for (;;) {
    const releases = await knex('gitops_releases')
      .select('id', 'labels')
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH);
    if (releases.length === 0) break;
    after = releases[releases.length - 1].id;
    const rows = [];
    for (const { id, labels } of releases) {
      let parsed = {};
      try {
        parsed = JSON.parse(labels) ?? {};
      } catch {
        // A row that never parsed has no labels to select it by.
      }
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value !== 'string') continue;
        if (key.length > MAX_KEY || value.length > MAX_VALUE) continue;
        rows.push({ release_id: id, key, value });
      }
    }
    for (let i = 0; i < rows.length; i += BATCH) {
      await knex('gitops_release_labels').insert(rows.slice(i, i + BATCH));
    }
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_release_labels');
};

// @ts-check

/**
 * Git problems that hold a file at its last good state: while such a problem
 * stands, the releases stored from its file are kept as they were, and
 * `commit_sha` / `created_at` say since when the file has been broken.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gitops_errors', table => {
    table
      .boolean('blocking')
      .notNullable()
      .defaultTo(false)
      .comment(
        'The file did not read cleanly: its releases are its last good state',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gitops_errors', table => {
    table.dropColumn('blocking');
  });
};

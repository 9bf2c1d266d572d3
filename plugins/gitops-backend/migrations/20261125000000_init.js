// @ts-check

/**
 * The promotion pipeline: config repositories and the environments read from them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_repositories', table => {
    table.comment('Config repositories that git sync fetches');
    table.string('id').primary().notNullable();
    table.text('url').notNullable();
    table.string('branch').notNullable();
    table
      .string('last_commit')
      .nullable()
      .comment('Head commit of the last good sync');
    table.timestamp('last_synced_at', { useTz: true }).nullable();
    table.text('last_error').nullable();
    table.timestamp('last_error_at', { useTz: true }).nullable();
  });
  await knex.schema.createTable('gitops_environments', table => {
    table.comment('Stages of the promotion pipeline, in order');
    table.string('name').primary().notNullable();
    table
      .string('repository_id')
      .notNullable()
      .references('id')
      .inTable('gitops_repositories')
      .onDelete('CASCADE');
    table
      .text('path')
      .notNullable()
      .comment('Folder of the environment in its repository');
    table.string('cluster').nullable();
    table.integer('order').notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_environments');
  await knex.schema.dropTable('gitops_repositories');
};

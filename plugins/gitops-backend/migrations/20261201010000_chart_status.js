// @ts-check

/**
 * Per release, the newest chart version its Helm repository or OCI registry
 * lists within the release's version range, or why it could not be told.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_chart_status', table => {
    table.comment(
      'Newest allowed chart version per release; replaced by each chart scan of its repository',
    );
    table.string('repository_id').notNullable();
    table.string('environment').notNullable();
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table
      .text('source')
      .notNullable()
      .comment('Helm repository or OCI url the versions were listed at');
    table.string('chart').notNullable();
    table
      .string('version_range')
      .nullable()
      .comment('What the release allows; * when it names nothing');
    table.string('latest_version').nullable();
    table.text('error').nullable();
    table.timestamp('checked_at', { useTz: true }).notNullable();
    table.primary(['environment', 'namespace', 'name']);
    table.index(['repository_id']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_chart_status');
};

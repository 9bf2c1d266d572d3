// @ts-check

/**
 * What helm reconciliation learns from clusters: how each cluster's last
 * cycle went, each release's state and Helm history, and the inventory of
 * objects applied per environment that prune compares against.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_clusters', table => {
    table.comment(
      'Clusters helm reconciliation reads, and how their last cycle went',
    );
    table.string('name').primary().notNullable();
    table.string('title').nullable();
    table.timestamp('last_reconciled_at', { useTz: true }).nullable();
    table.text('last_error').nullable();
    table
      .timestamp('last_error_at', { useTz: true })
      .nullable()
      .comment(
        'Newer than last_reconciled_at while the cluster cannot be read',
      );
  });
  await knex.schema.createTable('gitops_release_status', table => {
    table.comment(
      'State of each release in its cluster; kept until it changes',
    );
    table.string('environment').notNullable();
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table.string('cluster').notNullable();
    table.string('state').notNullable();
    table.text('reason').notNullable();
    table.text('differences').notNullable().comment('JSON array');
    table.integer('revision').nullable().comment("Helm's newest revision");
    table.string('chart_version').nullable();
    table.string('app_version').nullable();
    table.timestamp('deployed_at', { useTz: true }).nullable();
    table
      .timestamp('since', { useTz: true })
      .nullable()
      .comment('When the state began');
    table
      .text('error')
      .nullable()
      .comment('Last read or apply failure; the state is the last known');
    table.timestamp('error_at', { useTz: true }).nullable();
    table.primary(['environment', 'namespace', 'name']);
    table.index(['cluster']);
  });
  await knex.schema.createTable('gitops_helm_history', table => {
    table.comment('Helm history of each release, one row per revision');
    table.string('environment').notNullable();
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table.integer('revision').notNullable();
    table.string('cluster').notNullable();
    table.string('status').notNullable();
    table.string('chart_name').nullable();
    table.string('chart_version').nullable();
    table.string('app_version').nullable();
    table.text('description').nullable();
    table.timestamp('first_deployed_at', { useTz: true }).nullable();
    table.timestamp('deployed_at', { useTz: true }).nullable();
    table.primary(['environment', 'namespace', 'name', 'revision']);
  });
  await knex.schema.createTable('gitops_applied_objects', table => {
    table.comment(
      'Objects each environment applied to its cluster: what prune compares against',
    );
    table.string('environment').notNullable();
    table.string('api_version').notNullable();
    table.string('kind').notNullable();
    table
      .string('namespace')
      .notNullable()
      .comment("'' for cluster-scoped objects");
    table.string('name').notNullable();
    table.text('source_path').notNullable();
    table.string('digest').notNullable().comment('Of the object as applied');
    table.timestamp('applied_at', { useTz: true }).notNullable();
    table.primary(['environment', 'api_version', 'kind', 'namespace', 'name']);
  });
  await knex.schema.createTable('gitops_applied_commits', table => {
    table.comment('Commit each environment last applied in full');
    table.string('environment').primary().notNullable();
    table.string('commit').notNullable();
    table.timestamp('applied_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_applied_commits');
  await knex.schema.dropTable('gitops_applied_objects');
  await knex.schema.dropTable('gitops_helm_history');
  await knex.schema.dropTable('gitops_release_status');
  await knex.schema.dropTable('gitops_clusters');
};

// @ts-check

/**
 * What Flux says of what it runs: a v2 HelmRelease's own status next to its
 * release status, and per environment the Kustomization that applies it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gitops_release_status', table => {
    table
      .text('flux')
      .nullable()
      .comment(
        'JSON: helm-controller conditions, suspend, attempted and applied revisions (v2 only)',
      );
  });
  await knex.schema.createTable('gitops_environment_flux_status', table => {
    table.comment(
      'Per environment, the Flux Kustomization that applies it, as the last reconcile of its cluster read it',
    );
    table.string('environment').primary();
    table.string('cluster').notNullable();
    table
      .text('kustomization')
      .nullable()
      .comment('JSON: name, Ready, applied and attempted revisions, suspend');
    table
      .text('problem')
      .nullable()
      .comment(
        'Why no Kustomization status, such as "Flux kustomize API not served"',
      );
    table.timestamp('observed_at', { useTz: true }).notNullable();
    table.index(['cluster']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_environment_flux_status');
  await knex.schema.alterTable('gitops_release_status', table => {
    table.dropColumn('flux');
  });
};

// @ts-check

/**
 * The catalog entity each release links to (its gitops.backstage.io/entity
 * annotation, or the one entity claiming its kubernetes-id label) and that
 * entity's owners, lower-cased full refs, one row per owner. Keyed by the
 * release's (environment, namespace, name), not its row id, so that a sync
 * re-writing a release keeps its owners until the owners task has looked
 * again. Filled by the `gitops-release-owners` task.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_release_owners', table => {
    table.comment(
      'Owners of the entity each release links to, for owner-filtered reads',
    );
    table.string('environment').notNullable();
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table
      .text('entity_ref')
      .notNullable()
      .comment('Full ref of the linked entity');
    table.string('owner', 512).notNullable().comment('Lower-cased full ref');
    table
      .timestamp('resolved_at', { useTz: true })
      .notNullable()
      .comment('When the task last resolved it');
    table.primary(['environment', 'namespace', 'name', 'owner']);
    table.index(['owner']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_release_owners');
};

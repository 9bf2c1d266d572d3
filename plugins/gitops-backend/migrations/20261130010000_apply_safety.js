// @ts-check

/**
 * What apply and prune could not do, kept where people see it: objects that
 * failed to apply or were not pruned (replaced each time an environment is
 * applied), and deletions the prune guard holds until someone confirms them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_apply_problems', table => {
    table.comment(
      'Objects an environment could not apply or prune in its last apply',
    );
    table.increments('id');
    table
      .string('environment')
      .notNullable()
      .comment('The environment it concerns');
    table
      .string('recorded_by')
      .notNullable()
      .comment(
        'The environment whose apply recorded it, and whose next apply replaces it',
      );
    table.string('repository_id').notNullable();
    table.string('source').notNullable().comment("'apply' or 'prune'");
    table.text('path').notNullable().comment('File the object came from');
    table.text('object').nullable().comment('Kind namespace/name (apiVersion)');
    table.text('message').notNullable();
    table.string('commit').nullable().comment('Commit being applied');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .comment('Since when it stands');
    table.index(['recorded_by']);
    table.index(['repository_id']);
  });
  await knex.schema.createTable('gitops_held_prunes', table => {
    table.comment(
      'A deletion the prune guard holds back, until confirmed for its commit and objects',
    );
    table.string('environment').primary().notNullable();
    table.string('commit').notNullable();
    table
      .text('objects')
      .notNullable()
      .comment('JSON array of object keys it would delete');
    table
      .integer('total')
      .notNullable()
      .comment('Prunable objects the environment had applied');
    table.timestamp('held_at', { useTz: true }).notNullable();
    table.string('confirmed_by').nullable();
    table.timestamp('confirmed_at', { useTz: true }).nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_held_prunes');
  await knex.schema.dropTable('gitops_apply_problems');
};

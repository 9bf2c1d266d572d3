// @ts-check

/**
 * What image automation learns from registries: tag metadata cached by
 * digest (digests are immutable, so for good), and per release image the
 * newest tag its policy allows, or why it could not tell.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_image_tags', table => {
    table.comment('Tag -> digest and image creation time, per registry image');
    table.string('host').notNullable();
    table.string('repository').notNullable();
    table.string('tag').notNullable();
    table.string('digest').notNullable();
    table
      .string('created_at')
      .nullable()
      .comment('ISO time from the config blob');
    table.primary(['host', 'repository', 'tag']);
    table.index(['digest']);
  });
  await knex.schema.createTable('gitops_image_status', table => {
    table.comment('Newest allowed tag per release image; survives re-syncs');
    table.string('repository_id').notNullable();
    table.string('environment').notNullable();
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table.string('container').notNullable();
    table.string('latest_tag').nullable();
    table.string('latest_created_at').nullable();
    table.text('reason').nullable().comment('Why the policy chose it');
    table.text('error').nullable();
    table.timestamp('checked_at', { useTz: true }).notNullable();
    table.primary(['environment', 'namespace', 'name', 'container']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_image_status');
  await knex.schema.dropTable('gitops_image_tags');
};

// @ts-check

/**
 * Image statuses of Flux v2 setter markers: which ImagePolicy decides the
 * image and what it says, who commits its moves (this plugin, Flux's
 * image-automation-controller or nobody), and why a marker is not
 * automated (its policy missing or ambiguous, outside every update path).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gitops_image_status', table => {
    table
      .string('image_policy')
      .nullable()
      .comment('namespace/name of the ImagePolicy');
    table
      .text('policy')
      .nullable()
      .comment('The ImagePolicy in its spec words');
    table.string('automation').nullable().comment('backstage, flux or off');
    table.text('problem').nullable().comment('Why the marker is not automated');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gitops_image_status', table => {
    table.dropColumn('problem');
    table.dropColumn('automation');
    table.dropColumn('policy');
    table.dropColumn('image_policy');
  });
};

// @ts-check

/**
 * When a registry image's tags were last listed by a scan, so that tag
 * metadata of images no release uses any more can be pruned: without it the
 * table only ever grows. Nullable, as SQLite cannot add a column whose
 * default is the current time; rows without it count as not seen.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gitops_image_tags', table => {
    table
      .timestamp('seen_at', { useTz: true })
      .nullable()
      .comment('When a scan last listed the image');
    table.index(['seen_at']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gitops_image_tags', table => {
    table.dropIndex(['seen_at']);
    table.dropColumn('seen_at');
  });
};

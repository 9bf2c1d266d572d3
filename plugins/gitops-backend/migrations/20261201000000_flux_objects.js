// @ts-check

/**
 * Flux v2 repositories: the Flux objects git sync reads (image automation,
 * Kustomizations, sources), the setter marker and file behind each release
 * image, the Flux Kustomization that applies each environment, and the files
 * each release was built from when kustomize overlays put it together.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_flux_objects', table => {
    table.comment(
      'Flux objects (image, kustomize and source kinds) as the config repository describes them',
    );
    table.increments('id');
    table
      .string('repository_id')
      .notNullable()
      .references('id')
      .inTable('gitops_repositories')
      .onDelete('CASCADE');
    table
      .string('environment')
      .nullable()
      .comment('The environment whose files hold it, if any');
    table.text('path').notNullable().comment('File it was read from');
    table
      .integer('line')
      .notNullable()
      .comment('1-based line its document starts on');
    table.string('api_version').notNullable();
    table.string('kind').notNullable();
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table.text('spec').notNullable().comment('JSON spec as written');
    table.index(['repository_id', 'path']);
    table.index(['repository_id', 'kind']);
  });
  await knex.schema.createTable('gitops_release_files', table => {
    table.comment(
      'Files a release was built from besides its source file (overlay bases, kustomizations)',
    );
    table
      .integer('release_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('gitops_releases')
      .onDelete('CASCADE');
    table.text('path').notNullable();
    table.index(['path']);
    table.index(['release_id']);
  });
  await knex.schema.alterTable('gitops_release_images', table => {
    table
      .text('image_policy_ref')
      .nullable()
      .comment('JSON {namespace, name, field?} of the setter marker');
    table
      .text('file')
      .nullable()
      .comment(
        "File holding the image's value when not the release's source file",
      );
  });
  await knex.schema.alterTable('gitops_environments', table => {
    table
      .text('kustomization')
      .nullable()
      .comment('JSON {namespace, name} of the Flux Kustomization applying it');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gitops_environments', table => {
    table.dropColumn('kustomization');
  });
  await knex.schema.alterTable('gitops_release_images', table => {
    table.dropColumn('file');
    table.dropColumn('image_policy_ref');
  });
  await knex.schema.dropTable('gitops_release_files');
  await knex.schema.dropTable('gitops_flux_objects');
};

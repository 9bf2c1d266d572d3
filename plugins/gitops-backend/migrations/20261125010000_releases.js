// @ts-check

/**
 * What git sync stores: releases per environment with their images, the
 * errors of the files that did not parse, and the event log.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_releases', table => {
    table.comment('HelmReleases as the config repository describes them');
    table.increments('id');
    table
      .string('repository_id')
      .notNullable()
      .references('id')
      .inTable('gitops_repositories')
      .onDelete('CASCADE');
    table.string('environment').notNullable();
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table.string('release_name').notNullable();
    table.string('api_version').notNullable();
    table.string('chart_name').notNullable();
    table.string('chart_version').nullable();
    table
      .text('chart')
      .notNullable()
      .comment('JSON chart reference as written');
    table
      .text('chart_path')
      .nullable()
      .comment('Folder of a git chart in the repository');
    table
      .string('chart_revision')
      .nullable()
      .comment('git tree sha of a git chart folder');
    table.text('labels').notNullable().comment('JSON object');
    table.text('annotations').notNullable().comment('JSON object');
    table.boolean('automated').notNullable();
    table.boolean('locked').notNullable();
    table.text('source_path').notNullable();
    table.text('spec').notNullable().comment('JSON spec as written');
    table
      .string('commit_sha')
      .notNullable()
      .comment('Commit that last changed it');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['environment', 'namespace', 'name']);
    table.index(['repository_id', 'source_path']);
    table.index(['chart_name']);
    table.index(['repository_id', 'chart_path']);
  });
  await knex.schema.createTable('gitops_release_images', table => {
    table.comment('Images each release deploys, one row per container');
    table
      .integer('release_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('gitops_releases')
      .onDelete('CASCADE');
    table.string('container').notNullable();
    table.string('registry').nullable();
    table.string('repository').notNullable();
    table.string('tag').notNullable();
    table.string('policy').nullable();
    table
      .text('paths')
      .notNullable()
      .comment('JSON value paths for write-back');
    table.primary(['release_id', 'container']);
    table.index(['repository']);
  });
  await knex.schema.createTable('gitops_errors', table => {
    table.comment(
      'Files that failed to parse or validate, and repository faults',
    );
    table.increments('id');
    table
      .string('repository_id')
      .notNullable()
      .references('id')
      .inTable('gitops_repositories')
      .onDelete('CASCADE');
    table.string('environment').nullable();
    table.text('path').notNullable();
    table.integer('line').nullable();
    table.text('message').notNullable();
    table.string('commit_sha').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['repository_id', 'path']);
  });
  await knex.schema.createTable('gitops_events', table => {
    table.comment('What happened, when, and who asked');
    table.increments('id');
    table.string('type').notNullable();
    table.string('repository_id').nullable();
    table.string('environment').nullable();
    table.string('namespace').nullable();
    table.string('name').nullable();
    table.string('commit_sha').nullable();
    table.string('author').nullable().comment('Commit author');
    table.text('message').nullable();
    table.string('actor').nullable().comment('Entity ref of who asked');
    table.text('details').nullable().comment('JSON');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['environment', 'namespace', 'name']);
    table.index(['created_at']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_events');
  await knex.schema.dropTable('gitops_errors');
  await knex.schema.dropTable('gitops_release_images');
  await knex.schema.dropTable('gitops_releases');
};

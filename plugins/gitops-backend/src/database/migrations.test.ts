import path from 'node:path';
import { describeStores } from './__testUtils__/storeFixtures';

describeStores('migrations', storeTest => {
  storeTest('rolls every migration back', async ({ knex }) => {
    const directory = path.resolve(__dirname, '../../migrations');
    await knex.migrate.rollback({ directory }, true);
    for (const table of [
      'gitops_events',
      'gitops_errors',
      'gitops_release_images',
      'gitops_releases',
      'gitops_environments',
      'gitops_repositories',
      'gitops_image_tags',
      'gitops_image_status',
      'gitops_clusters',
      'gitops_release_status',
      'gitops_helm_history',
      'gitops_applied_objects',
      'gitops_applied_commits',
      'gitops_flux_objects',
      'gitops_release_files',
      'gitops_environment_flux_status',
      'gitops_chart_status',
      'gitops_release_labels',
      'gitops_release_owners',
      'gitops_write_count',
    ]) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }
  });

  storeTest(
    'counts writes to every plugin table a read answers from',
    async ({ knex }) => {
      // A table added without the write count's triggers would serve stale 304s and kept answers.
      const pg = knex.client.config.client === 'pg';
      const tables: string[] = pg
        ? (
            await knex.raw(
              `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
            )
          ).rows.map((r: { name: string }) => r.name)
        : (
            await knex.raw(
              `select name from sqlite_master where type = 'table'`,
            )
          ).map((r: { name: string }) => r.name);
      const triggers: string[] = pg
        ? (
            await knex.raw(
              `select tgname as name from pg_trigger where not tgisinternal`,
            )
          ).rows.map((r: { name: string }) => r.name)
        : (
            await knex.raw(
              `select name from sqlite_master where type = 'trigger'`,
            )
          ).map((r: { name: string }) => r.name);
      const counted = tables.filter(
        t =>
          t.startsWith('gitops_') &&
          !['gitops_write_count', 'gitops_image_tags'].includes(t),
      );
      expect(counted.length).toBeGreaterThan(15);
      for (const table of counted) {
        const expected = pg
          ? [`${table}_counted`]
          : ['insert', 'update', 'delete'].map(o => `${table}_counted_${o}`);
        expect({
          table,
          triggers: triggers.filter(t => expected.includes(t)).sort(),
        }).toEqual({ table, triggers: expected.sort() });
      }
    },
  );
});

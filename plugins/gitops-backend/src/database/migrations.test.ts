import path from 'node:path';
import { describeStores } from './__testUtils__/storeFixtures';

describeStores('migrations', storeTest => {
  storeTest(
    'rolls every migration back',
    async ({ knex }) => {
      const directory = path.resolve(__dirname, '../../migrations');
      await knex.migrate.rollback({ directory }, true);
      for (const table of [
        'gitops_events', 'gitops_errors', 'gitops_release_images', 'gitops_releases',
        'gitops_environments', 'gitops_repositories',
        'gitops_image_tags', 'gitops_image_status',
        'gitops_clusters', 'gitops_release_status', 'gitops_helm_history',
        'gitops_applied_objects', 'gitops_applied_commits',
        'gitops_flux_objects', 'gitops_release_files',
        'gitops_environment_flux_status',
        'gitops_chart_status',
        'gitops_release_labels', 'gitops_release_owners',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
    },
  );
});

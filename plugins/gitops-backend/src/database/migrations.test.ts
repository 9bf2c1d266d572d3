import path from 'node:path';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { openTestStores } from './__testUtils__/storeFixtures';

jest.setTimeout(60_000);

describe('migrations', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'rolls every migration back on %p',
    async databaseId => {
      const { knex } = await openTestStores(databases, databaseId);
      const directory = path.resolve(__dirname, '../../migrations');
      await knex.migrate.rollback({ directory }, true);
      for (const table of [
        'gitops_events', 'gitops_errors', 'gitops_release_images', 'gitops_releases',
        'gitops_environments', 'gitops_repositories',
        'gitops_image_tags', 'gitops_image_status',
        'gitops_clusters', 'gitops_release_status', 'gitops_helm_history',
        'gitops_applied_objects', 'gitops_applied_commits',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
    },
  );
});

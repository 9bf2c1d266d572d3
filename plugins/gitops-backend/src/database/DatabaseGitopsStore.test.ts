import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseGitopsStore } from './DatabaseGitopsStore';

jest.setTimeout(60_000);

describe('DatabaseGitopsStore', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'runs its migrations and lists environments in pipeline order on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseGitopsStore.create({
        database: mockServices.database({ knex }),
      });

      expect(await store.listEnvironments()).toEqual([]);

      await knex('gitops_repositories').insert({
        id: 'config',
        url: 'file:///srv/config.git',
        branch: 'main',
      });
      await knex('gitops_environments').insert([
        { name: 'prod', repository_id: 'config', path: 'releases/prod', cluster: 'demo', order: 3 },
        { name: 'dev', repository_id: 'config', path: 'releases/dev', cluster: null, order: 1 },
        { name: 'stg', repository_id: 'config', path: 'releases/stg', cluster: 'demo', order: 2 },
      ]);

      expect(await store.listEnvironments()).toEqual([
        { name: 'dev', repository: 'config', path: 'releases/dev', cluster: undefined, order: 1 },
        { name: 'stg', repository: 'config', path: 'releases/stg', cluster: 'demo', order: 2 },
        { name: 'prod', repository: 'config', path: 'releases/prod', cluster: 'demo', order: 3 },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'rolls every migration back on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await DatabaseGitopsStore.create({
        database: mockServices.database({ knex }),
      });
      const directory = require('node:path').resolve(__dirname, '../../migrations');
      await knex.migrate.rollback({ directory }, true);
      expect(await knex.schema.hasTable('gitops_environments')).toBe(false);
      expect(await knex.schema.hasTable('gitops_repositories')).toBe(false);
    },
  );
});

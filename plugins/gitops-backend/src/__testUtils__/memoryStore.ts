import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { RepositoryConfig } from '../config/GitopsConfig';
import { DatabaseGitopsStore } from '../database/DatabaseGitopsStore';

/** A migrated store on in-memory SQLite, for tests and benchmarks; destroy `knex` after. */
export async function createMemoryStore(): Promise<{
  knex: Knex;
  store: DatabaseGitopsStore;
}> {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const store = await DatabaseGitopsStore.create({
    database: mockServices.database({ knex }),
  });
  return { knex, store };
}

/** The repository `config` at `url`, anonymous, as the loops' tests configure it. */
export function testRepositoryConfig(
  url: string,
  extra: Partial<RepositoryConfig> = {},
): RepositoryConfig {
  return {
    id: 'config',
    url,
    branch: 'main',
    auth: { type: 'none' },
    author: { name: 'bot', email: 'bot@example.com' },
    schedule: {
      frequency: { minutes: 1 },
      timeout: { minutes: 1 },
      initialDelay: { seconds: 0 },
    },
    ...extra,
  };
}

import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { RepositoryConfig } from '../config/GitopsConfig';
import { createGitopsStores, GitopsStores } from '../database/gitopsStores';

/** The stores, migrated, on in-memory SQLite, for tests and benchmarks; destroy `knex` after. */
export async function createMemoryStore(): Promise<
  GitopsStores & { knex: Knex }
> {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const stores = await createGitopsStores({
    database: mockServices.database({ knex }),
  });
  return { knex, ...stores };
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

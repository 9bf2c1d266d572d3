import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** The plugin's knex migrations, one folder shared by every store. */
export const migrationsDirectory = resolvePackagePath(
  '@backstage-gitops/plugin-gitops-backend',
  'migrations',
);

/** The plugin's database client, migrated to the latest schema unless the backend skips migrations. */
export async function migratedClient(database: DatabaseService): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDirectory });
  }
  return client;
}

import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { Knex } from 'knex';
import { GitopsStore } from './GitopsStore';

const migrationsDir = resolvePackagePath(
  '@backstage-gitops/plugin-gitops-backend',
  'migrations',
);

type EnvironmentRow = {
  name: string;
  repository_id: string;
  path: string;
  cluster: string | null;
  order: number;
};

/** The knex implementation of {@link GitopsStore}, for SQLite and PostgreSQL. */
export class DatabaseGitopsStore implements GitopsStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseGitopsStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseGitopsStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async listEnvironments(): Promise<GitopsEnvironment[]> {
    const rows = await this.db<EnvironmentRow>('gitops_environments')
      .select('*')
      .orderBy([
        { column: 'order', order: 'asc' },
        { column: 'name', order: 'asc' },
      ]);
    return rows.map(row => ({
      name: row.name,
      repository: row.repository_id,
      path: row.path,
      cluster: row.cluster ?? undefined,
      order: row.order,
    }));
  }
}

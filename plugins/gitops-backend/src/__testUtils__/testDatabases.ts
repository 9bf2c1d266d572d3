import { TestDatabases } from '@backstage/backend-test-utils';

const POSTGRES_URL_VARIABLE =
  'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/**
 * SQLite and PostgreSQL for store tests. Backstage's TestDatabases quietly
 * drops a database it cannot reach; production runs on PostgreSQL, so here a
 * missing PostgreSQL fails the run instead (scripts/test.sh points at the
 * machine's server). Set GITOPS_TEST_SQLITE_ONLY=1 to opt out on purpose.
 */
export function createTestDatabases() {
  const sqliteOnly = process.env.GITOPS_TEST_SQLITE_ONLY === '1';
  if (!sqliteOnly && !process.env[POSTGRES_URL_VARIABLE]) {
    throw new Error(
      `${POSTGRES_URL_VARIABLE} is not set: the store tests need PostgreSQL. ` +
        'Run scripts/test.sh, set the variable, or set GITOPS_TEST_SQLITE_ONLY=1.',
    );
  }
  return TestDatabases.create({
    ids: sqliteOnly ? ['SQLITE_3'] : ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });
}

import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import { chartRelease } from '../../__testUtils__/releaseRecord';
import {
  AppliedObjectRecord,
  ReconcileRecord,
  ReleaseStatusRecord,
} from '../ClusterStateStore';
import { createGitopsStores } from '../gitopsStores';
import { ReleaseRecord, SyncRecord } from '../SyncStateStore';

/** Every store on a fresh database of `databaseId`, with the repository `config`. */
export async function openTestStores(
  databases: ReturnType<typeof createTestDatabases>,
  databaseId: Parameters<ReturnType<typeof createTestDatabases>['init']>[0],
) {
  const knex = await databases.init(databaseId);
  const stores = await createGitopsStores({
    database: mockServices.database({ knex }),
  });
  await stores.syncStateStore.ensureRepository({
    id: 'config',
    url: 'file:///c.git',
    branch: 'main',
  });
  return { knex, ...stores };
}

type TestStores = Awaited<ReturnType<typeof openTestStores>>;
type StoreTest = (
  name: string,
  test: (stores: TestStores) => Promise<void>,
) => void;

/**
 * A block of store tests: each `storeTest` runs once on every supported
 * database (SQLite, and PostgreSQL as production runs it), on fresh stores.
 */
export function describeStores(
  title: string,
  body: (storeTest: StoreTest) => void,
) {
  describe(title, () => {
    const databases = createTestDatabases();
    body((name, test) =>
      it.each(databases.eachSupportedId())(
        `${name} on %p`,
        async databaseId => test(await openTestStores(databases, databaseId)),
        // Opening PostgreSQL and migrating it takes seconds on a busy machine.
        60_000,
      ),
    );
  });
}

/** A synced release of the podinfo chart, automated with one image on `glob:<env>-*`, at commit c1. */
export function release(
  environment: string,
  name: string,
  overrides: Partial<ReleaseRecord> = {},
): ReleaseRecord {
  return chartRelease(environment, 'podinfo', {
    name,
    releaseName: `${environment}-${name}`,
    chart: { type: 'git', git: 'git@example.com:c', path: 'charts/podinfo' },
    chartRevision: 'tree1',
    labels: { app: name },
    automated: true,
    images: [
      {
        container: 'chart-image',
        repository: 'stefanprodan/podinfo',
        tag: `${environment}-1`,
        policy: `glob:${environment}-*`,
        paths: { repository: 'image.repository', tag: 'image.tag' },
      },
    ],
    sourcePath: `releases/${environment}/${name}.yaml`,
    spec: { values: { replicaCount: 1 } },
    commit: 'c1',
    ...overrides,
  });
}

export const sync = (overrides: Partial<SyncRecord>): SyncRecord => ({
  repositoryId: 'config',
  commit: 'c1',
  syncedAt: new Date('2026-11-25T10:00:00Z'),
  full: true,
  replacedPaths: [],
  releases: [],
  problems: [],
  events: [],
  ...overrides,
});

export function status(
  environment: string,
  name: string,
  overrides: Partial<ReleaseStatusRecord> = {},
): ReleaseStatusRecord {
  return {
    environment,
    namespace: environment,
    name,
    cluster: 'demo',
    state: 'Synced',
    reason: 'Deployed as git asks',
    differences: [],
    ...overrides,
  };
}

export const reconcile = (
  overrides: Partial<ReconcileRecord>,
): ReconcileRecord => ({
  cluster: 'demo',
  at: new Date('2026-11-25T12:00:00Z'),
  statuses: [],
  removed: [],
  histories: [],
  events: [],
  ...overrides,
});

export function applied(
  kind: string,
  name: string,
  overrides: Partial<AppliedObjectRecord> = {},
): AppliedObjectRecord {
  return {
    apiVersion: 'helm.fluxcd.io/v1',
    kind,
    namespace: 'dev',
    name,
    sourcePath: `releases/dev/${name}.yaml`,
    digest: 'd1',
    appliedAt: '2026-11-25T12:00:00.000Z',
    ...overrides,
  };
}

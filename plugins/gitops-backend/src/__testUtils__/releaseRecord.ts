import { ReleaseRecord, SyncRecord, SyncStateStore } from '../database';

/**
 * A synced release of `chartName` in `environment`, as the config repository
 * `config` declares it at commit c0ffee: named `<chart>-<environment>`, no
 * images, not automated. Tests override the fields their case is about.
 */
export function chartRelease(
  environment: string,
  chartName: string,
  overrides: Partial<ReleaseRecord> = {},
): ReleaseRecord {
  return {
    repository: 'config',
    environment,
    namespace: environment,
    name: `${chartName}-${environment}`,
    releaseName: `${chartName}-${environment}`,
    apiVersion: 'helm.fluxcd.io/v1',
    chart: {
      type: 'git',
      git: 'git@example.com:config',
      path: `charts/${chartName}`,
    },
    chartName,
    chartVersion: '0.2.0',
    chartPath: `charts/${chartName}`,
    labels: {},
    annotations: {},
    automated: false,
    locked: false,
    images: [],
    sourcePath: `releases/${environment}/${chartName}.yaml`,
    spec: { values: {} },
    commit: 'c0ffee',
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...overrides,
  };
}

/**
 * Stores `releases` as the first full sync of `config` at c0ffee, with the
 * given problems and events and nothing else, as a test's starting point.
 */
export async function storeFirstSync(
  store: Pick<SyncStateStore, 'applySync'>,
  releases: ReleaseRecord[],
  more: Partial<Pick<SyncRecord, 'problems' | 'events' | 'syncedAt'>> = {},
): Promise<void> {
  await store.applySync({
    repositoryId: 'config',
    commit: 'c0ffee',
    syncedAt: new Date('2026-11-25T10:00:00Z'),
    full: true,
    replacedPaths: [],
    releases,
    problems: [],
    events: [],
    ...more,
  });
}

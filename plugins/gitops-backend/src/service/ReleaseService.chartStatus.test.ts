import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { chartRelease } from '../__testUtils__/releaseRecord';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import { ErrorDisclosure, hiddenErrors } from './ErrorDisclosure';
import { ReleaseService } from './ReleaseService';

const key = {
  environment: 'production',
  namespace: 'podinfo',
  name: 'podinfo',
};
const status = {
  source: 'https://stefanprodan.github.io/podinfo',
  chart: 'podinfo',
  range: '6.x',
  latestVersion: '6.6.0',
  checkedAt: '2026-12-01T10:00:00.000Z',
};

describe('ReleaseService, chart status', () => {
  let store: Awaited<ReturnType<typeof createMemoryStore>>;

  beforeEach(async () => {
    store = await createMemoryStore();
    await store.syncStateStore.ensureRepository({
      id: 'config',
      url: 'file:///config.git',
      branch: 'main',
    });
    await store.syncStateStore.applySync({
      repositoryId: 'config',
      commit: 'c1',
      syncedAt: new Date(),
      full: true,
      replacedPaths: [],
      releases: [
        chartRelease('production', 'podinfo', {
          ...key,
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          chart: {
            type: 'source',
            chart: 'podinfo',
            version: '6.x',
            sourceRef: {
              kind: 'HelmRepository',
              name: 'podinfo',
              namespace: 'flux-system',
            },
          },
          chartVersion: '6.x',
          chartPath: undefined,
        }),
      ],
      problems: [],
      events: [],
    });
    await store.chartStatusStore.replaceChartStatuses('config', [
      { repositoryId: 'config', ...key, status },
    ]);
  });
  afterEach(() => store.knex.destroy());

  const read = () =>
    new ReleaseService({
      syncStateStore: store.syncStateStore,
      clusterStateStore: store.clusterStateStore,
      chartStatusStore: store.chartStatusStore,
      eventStore: store.eventStore,
      catalog: catalogServiceMock({ entities: [] }),
      permissions: mockServices.permissions(),
    }).getRelease(key, mockCredentials.user());

  const deployed = (chartVersion: string) =>
    jest
      .spyOn(store.clusterStateStore, 'getReleaseStatuses')
      .mockResolvedValue([
        {
          ...key,
          cluster: 'production',
          state: 'Synced',
          reason: 'Deployed',
          differences: [],
          chartVersion,
        },
      ]);

  it('says an update is available when the newest allowed version is newer than the deployed chart', async () => {
    deployed('6.5.0');
    expect((await read()).chartStatus).toEqual({
      ...status,
      updateAvailable: true,
    });
    deployed('6.6.0');
    expect((await read()).chartStatus).toEqual(status);
  });

  it('cannot tell without a deployed version when git writes a range', async () => {
    expect((await read()).chartStatus).toEqual(status);
  });

  it('hides why a chart repository could not be read from readers without diagnostics', async () => {
    const release = {
      ...(await read()),
      chartStatus: { ...status, error: 'connect ECONNREFUSED 10.0.0.7:443' },
    };
    expect(new ErrorDisclosure(false).release(release).chartStatus).toEqual({
      ...status,
      error: hiddenErrors.registry,
    });
    expect(new ErrorDisclosure(true).release(release).chartStatus!.error).toBe(
      'connect ECONNREFUSED 10.0.0.7:443',
    );
  });
});

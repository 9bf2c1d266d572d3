import { mockServices } from '@backstage/backend-test-utils';
import { FluxObjectRecord, ReleaseRecord } from '../database';
import { chartRelease } from '../__testUtils__/releaseRecord';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import {
  pushTestChart,
  startTestRegistry,
  TestRegistry,
} from '../registry/__testUtils__';
import { ChartUpdates } from './ChartUpdates';
import { chartStatusOf } from './chartVersions';
import { HelmIndexClient } from './HelmIndexClient';
import { OciChartClient } from './OciChartClient';
import {
  ChartRepositoryServer,
  helmIndexYaml,
  startChartRepository,
} from './__testUtils__/startChartRepository';

jest.setTimeout(60_000);

const CHECKED_AT = '2026-12-01T10:00:00.000Z';

/** A Flux v2 podinfo release in `environment`, its chart from a source named in the files. */
const v2Release = (
  environment: string,
  chart: Extract<ReleaseRecord['chart'], { type: 'source' }>,
): ReleaseRecord =>
  chartRelease(environment, 'podinfo', {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    namespace: 'podinfo',
    name: 'podinfo',
    chart,
    chartVersion: chart.version,
    chartPath: undefined,
    sourcePath: `apps/${environment}/podinfo-values.yaml`,
  });

const source = (
  kind: FluxObjectRecord['kind'],
  name: string,
  spec: Record<string, unknown>,
): FluxObjectRecord => ({
  repository: 'config',
  path: 'clusters/production/sources.yaml',
  line: 1,
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind,
  namespace: 'flux-system',
  name,
  spec,
});

describe('ChartUpdates', () => {
  let store: Awaited<ReturnType<typeof createMemoryStore>>;
  let repository: ChartRepositoryServer;
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    store = await createMemoryStore();
    await store.syncStateStore.ensureRepository({
      id: 'config',
      url: 'file:///config.git',
      branch: 'main',
    });
    repository = await startChartRepository();
  });
  afterEach(async () => {
    await repository.stop();
    await store.knex.destroy();
  });

  const storeSync = (
    releases: ReleaseRecord[],
    fluxObjects: FluxObjectRecord[],
  ) =>
    store.syncStateStore.applySync({
      repositoryId: 'config',
      commit: 'c1',
      syncedAt: new Date(CHECKED_AT),
      full: true,
      replacedPaths: [],
      releases,
      fluxObjects,
      problems: [],
      events: [],
    });

  const scan = (
    options: {
      helm?: HelmIndexClient;
      registries?: ConstructorParameters<
        typeof OciChartClient
      >[0]['registries'];
    } = {},
  ) =>
    new ChartUpdates({
      repository: { id: 'config', url: 'file:///config.git' },
      syncStateStore: store.syncStateStore,
      chartStatusStore: store.chartStatusStore,
      helm: options.helm ?? new HelmIndexClient([{ url: repository.url }]),
      oci: new OciChartClient({
        registries: options.registries ?? [],
        policy: {
          allowPublicDefaults: false,
          maxTagsPerImage: 1000,
          maxListingBytes: 1024 * 1024,
        },
        logger,
      }),
      logger,
      clock: () => new Date(CHECKED_AT),
    }).run();

  const statuses = async () =>
    (
      await store.chartStatusStore.getChartStatuses([
        { environment: 'production', namespace: 'podinfo', name: 'podinfo' },
        { environment: 'staging', namespace: 'podinfo', name: 'podinfo' },
      ])
    )
      .map(s => [s.environment, s.status] as const)
      .sort(([a], [b]) => a.localeCompare(b));

  const fromHelmRepository = (version?: string) => ({
    type: 'source' as const,
    chart: 'podinfo',
    ...(version ? { version } : {}),
    sourceRef: {
      kind: 'HelmRepository',
      name: 'podinfo',
      namespace: 'flux-system',
    },
  });

  it('stores the newest version each release range allows, reading the index once for both', async () => {
    repository.serve({
      body: helmIndexYaml({
        podinfo: ['6.5.0', '6.6.0', '7.0.0', '7.1.0-rc.1'],
      }),
    });
    await storeSync(
      [
        v2Release('production', fromHelmRepository('6.x')),
        v2Release('staging', fromHelmRepository()),
      ],
      [source('HelmRepository', 'podinfo', { url: repository.url })],
    );
    expect(await scan()).toEqual({ status: 'scanned', checked: 2, failed: 0 });
    expect(repository.requests).toHaveLength(1);
    expect(await statuses()).toEqual([
      [
        'production',
        {
          source: repository.url,
          chart: 'podinfo',
          range: '6.x',
          latestVersion: '6.6.0',
          checkedAt: CHECKED_AT,
        },
      ],
      // Flux's default range: any release, no pre-releases.
      [
        'staging',
        {
          source: repository.url,
          chart: 'podinfo',
          range: '*',
          latestVersion: '7.0.0',
          checkedAt: CHECKED_AT,
        },
      ],
    ]);

    // Shown as an update when newer than what Helm deployed, else what git says.
    const [[, production]] = await statuses();
    expect(
      chartStatusOf(production, { deployed: '6.5.0', written: '6.x' })
        .updateAvailable,
    ).toBe(true);
    expect(
      chartStatusOf(production, { deployed: '6.6.0', written: '6.x' }),
    ).not.toHaveProperty('updateAvailable');
    expect(chartStatusOf(production, { written: '6.x' })).not.toHaveProperty(
      'updateAvailable',
    );
    expect(
      chartStatusOf(production, { written: '6.5.2' }).updateAvailable,
    ).toBe(true);
  });

  it('stores why a host that is not listed was refused, without contacting it', async () => {
    repository.serve({ body: helmIndexYaml({ podinfo: ['6.6.0'] }) });
    await storeSync(
      [v2Release('production', fromHelmRepository('6.x'))],
      [
        source('HelmRepository', 'podinfo', {
          url: `${repository.url}/charts`,
        }),
      ],
    );
    const outcome = await scan({
      helm: new HelmIndexClient([{ url: 'https://charts.example.com' }]),
    });
    expect(outcome).toEqual({ status: 'scanned', checked: 1, failed: 1 });
    expect(repository.requests).toEqual([]);
    expect(await statuses()).toEqual([
      [
        'production',
        {
          source: `${repository.url}/charts`,
          chart: 'podinfo',
          range: '6.x',
          error: expect.stringMatching(
            /^Helm repository host 127\.0\.0\.1:\d+ is not allowed: add http:\/\/127\.0\.0\.1:\d+ to gitops\.helmRepositories$/,
          ),
          checkedAt: CHECKED_AT,
        },
      ],
    ]);
  });

  it('leaves charts of this repository and of other git repositories to git sync', async () => {
    await storeSync(
      [
        v2Release('production', {
          type: 'source',
          chart: './charts/podinfo',
          sourceRef: {
            kind: 'GitRepository',
            name: 'flux-system',
            namespace: 'flux-system',
          },
        }),
      ],
      [source('GitRepository', 'flux-system', { url: 'file:///config.git' })],
    );
    expect(await scan()).toEqual({ status: 'scanned', checked: 0, failed: 0 });
    expect(await statuses()).toEqual([]);
  });

  describe('OCI charts, on a real registry', () => {
    let registry: TestRegistry;

    beforeAll(async () => {
      registry = await startTestRegistry();
      for (const version of ['6.5.0', '6.6.0', '6.6.1+build.1', '7.0.0']) {
        await pushTestChart(registry, {
          repository: 'charts/podinfo',
          name: 'podinfo',
          version,
        });
      }
    });
    afterAll(() => registry.stop());

    const registries = () => [{ host: registry.host, url: registry.url }];

    it('lists the versions of a chart in a HelmRepository of type oci, and of a chartRef OCIRepository', async () => {
      await storeSync(
        [
          v2Release('production', fromHelmRepository('6.x')),
          v2Release('staging', {
            type: 'source',
            chart: 'podinfo',
            sourceRef: {
              kind: 'OCIRepository',
              name: 'podinfo',
              namespace: 'flux-system',
            },
          }),
        ],
        [
          source('HelmRepository', 'podinfo', {
            type: 'oci',
            url: `oci://${registry.host}/charts`,
          }),
          source('OCIRepository', 'podinfo', {
            url: `oci://${registry.host}/charts/podinfo`,
            ref: { semver: '>=6.0.0 <7.0.0' },
          }),
        ],
      );
      expect(await scan({ registries: registries() })).toEqual({
        status: 'scanned',
        checked: 2,
        failed: 0,
      });
      expect(await statuses()).toEqual([
        [
          'production',
          expect.objectContaining({
            source: `oci://${registry.host}/charts/podinfo`,
            range: '6.x',
            latestVersion: '6.6.1+build.1',
          }),
        ],
        [
          'staging',
          expect.objectContaining({
            source: `oci://${registry.host}/charts/podinfo`,
            range: '>=6.0.0 <7.0.0',
            latestVersion: '6.6.1+build.1',
          }),
        ],
      ]);
    });

    it('refuses an OCI host the registry policy does not allow', async () => {
      await storeSync(
        [v2Release('production', fromHelmRepository('6.x'))],
        [
          source('HelmRepository', 'podinfo', {
            type: 'oci',
            url: `oci://${registry.host}/charts`,
          }),
        ],
      );
      expect(await scan()).toEqual({
        status: 'scanned',
        checked: 1,
        failed: 1,
      });
      expect((await statuses())[0][1].error).toBe(
        `oci://${registry.host}/charts/podinfo: registry host ${registry.host} is not allowed: add it to gitops.registries`,
      );
    });
  });
});

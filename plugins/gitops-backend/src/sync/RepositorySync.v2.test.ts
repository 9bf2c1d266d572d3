import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { EnvironmentConfig } from '../config/GitopsConfig';
import { EventStore } from '../database/EventStore';
import { createGitopsStores } from '../database/gitopsStores';
import { ReleaseRecord, SyncStateStore } from '../database/SyncStateStore';
import { CliGitRepository, GitRepository } from '../git';
import { createTestRemote, TestRemote } from '../git/__testUtils__';
import { exampleConfigRepoFiles } from '../__testUtils__/exampleConfigRepo';
import { testRepositoryConfig } from '../__testUtils__/memoryStore';
import { RepositorySync } from './RepositorySync';

jest.setTimeout(60_000);

const STAGING_PATCH = 'apps/staging/podinfo-values.yaml';
const PRODUCTION_PATCH = 'apps/production/podinfo-values.yaml';
const BASE = 'apps/base/podinfo/release.yaml';

/** examples/config-repo-v2 (Flux's layout) as a real git repository, synced with no configured environments. */
describe('RepositorySync on a Flux v2 repository', () => {
  let remote: TestRemote;
  let workDir: string;
  let knex: Knex;
  let syncStateStore: SyncStateStore;
  let eventStore: EventStore;
  let files: Record<string, string>;
  let readPaths: string[][];
  const logger = mockServices.logger.mock();

  function createSync(environments: EnvironmentConfig[] = []) {
    const repository = testRepositoryConfig(remote.url);
    const git: GitRepository = CliGitRepository.create({
      id: repository.id,
      remote: repository,
      workDir,
      logger,
    });
    const readFiles = git.readFiles.bind(git);
    git.readFiles = async (commit, paths, options) => {
      readPaths.push(paths);
      return readFiles(commit, paths, options);
    };
    return new RepositorySync({
      repository,
      environments,
      git,
      syncStateStore,
      logger,
    });
  }

  const release = (environment: string) =>
    syncStateStore.getRelease({
      environment,
      namespace: environment,
      name: 'podinfo',
    });
  const summary = (r?: ReleaseRecord) =>
    r && {
      sourcePath: r.sourcePath,
      tag: r.images[0]?.tag,
      replicas: (r.spec.values as any)?.replicaCount,
      commit: r.commit,
    };
  /** The files of the repository the sync read (not the names it only looked for). */
  const read = () =>
    [...new Set(readPaths.flat())].filter(p => files[p] !== undefined).sort();

  beforeEach(async () => {
    readPaths = [];
    files = await exampleConfigRepoFiles('config-repo-v2');
    remote = await createTestRemote();
    await remote.commit(files, 'Import the podinfo fleet');
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-sync-v2-'));
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    ({ syncStateStore, eventStore } = await createGitopsStores({
      database: mockServices.database({ knex }),
    }));
  });

  afterEach(async () => {
    await knex.destroy();
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('derives the environments from clusters/<env>, and each release from its overlay over the base', async () => {
    expect(await createSync().run()).toEqual(
      expect.objectContaining({ status: 'synced', full: true }),
    );

    expect(await syncStateStore.listEnvironments()).toEqual([
      {
        name: 'staging',
        repository: 'config',
        path: 'apps/staging',
        order: 1,
        kustomization: { namespace: 'flux-system', name: 'apps' },
      },
      {
        name: 'production',
        repository: 'config',
        path: 'apps/production',
        order: 2,
        kustomization: { namespace: 'flux-system', name: 'apps' },
      },
    ]);

    const staging = await release('staging');
    expect(staging).toEqual(
      expect.objectContaining({
        namespace: 'staging',
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        sourcePath: STAGING_PATCH,
        builtFrom: [
          'apps/base/podinfo/kustomization.yaml',
          BASE,
          'apps/staging/kustomization.yaml',
        ],
        chartName: 'podinfo',
        chartPath: 'charts/podinfo',
        chartVersion: '6.5.0',
      }),
    );
    expect(staging?.chart).toEqual({
      type: 'source',
      chart: './charts/podinfo',
      sourceRef: {
        kind: 'GitRepository',
        name: 'flux-system',
        namespace: 'flux-system',
      },
    });
    expect(staging?.images).toEqual([
      expect.objectContaining({
        container: 'chart-image',
        registry: 'ghcr.io',
        repository: 'stefanprodan/podinfo',
        tag: '6.5.0-rc.1',
        paths: { tag: 'image.tag' },
        imagePolicyRef: {
          namespace: 'flux-system',
          name: 'podinfo-staging',
          field: 'tag',
        },
      }),
    ]);
    // The patch is the release's own file, which holds the marked value.
    expect(staging?.images[0].file).toBeUndefined();
    expect(summary(await release('production'))).toEqual(
      expect.objectContaining({
        sourcePath: PRODUCTION_PATCH,
        tag: '6.5.0',
        replicas: 2,
      }),
    );
    expect(await syncStateStore.listProblems(['config'])).toEqual([]);

    const objects = await syncStateStore.listFluxObjects('config');
    expect(
      objects.map(
        o =>
          `${o.environment} ${o.kind} ${o.namespace}/${o.name} ${o.apiVersion} ${o.path}:${o.line}`,
      ),
    ).toEqual([
      'production Kustomization flux-system/apps kustomize.toolkit.fluxcd.io/v1 clusters/production/apps.yaml:2',
      'production GitRepository flux-system/flux-system source.toolkit.fluxcd.io/v1 clusters/production/flux-system/gotk-sync.yaml:3',
      'production Kustomization flux-system/flux-system kustomize.toolkit.fluxcd.io/v1 clusters/production/flux-system/gotk-sync.yaml:16',
      'production ImageRepository flux-system/podinfo image.toolkit.fluxcd.io/v1 clusters/production/image-automation.yaml:2',
      'production ImagePolicy flux-system/podinfo-production image.toolkit.fluxcd.io/v1 clusters/production/image-automation.yaml:13',
      'production ImageUpdateAutomation flux-system/apps image.toolkit.fluxcd.io/v1 clusters/production/image-automation.yaml:25',
      'staging Kustomization flux-system/apps kustomize.toolkit.fluxcd.io/v1 clusters/staging/apps.yaml:2',
      'staging GitRepository flux-system/flux-system source.toolkit.fluxcd.io/v1 clusters/staging/flux-system/gotk-sync.yaml:3',
      'staging Kustomization flux-system/flux-system kustomize.toolkit.fluxcd.io/v1 clusters/staging/flux-system/gotk-sync.yaml:16',
      'staging ImageRepository flux-system/podinfo image.toolkit.fluxcd.io/v1beta2 clusters/staging/image-automation.yaml:2',
      'staging ImagePolicy flux-system/podinfo-staging image.toolkit.fluxcd.io/v1beta2 clusters/staging/image-automation.yaml:13',
      'staging ImageUpdateAutomation flux-system/apps image.toolkit.fluxcd.io/v1beta2 clusters/staging/image-automation.yaml:25',
    ]);
    expect(
      (await syncStateStore.listFluxObjects('config', ['ImagePolicy']))[1].spec,
    ).toEqual({
      imageRepositoryRef: { name: 'podinfo' },
      policy: { semver: { range: '>=6.0.0-0 <7.0.0' } },
    });
  });

  it('re-derives only the release whose patch changed, reading only the files it is built from', async () => {
    const sync = createSync();
    await sync.run();
    const productionBefore = await release('production');
    readPaths = [];
    const sha = await remote.commit(
      {
        [STAGING_PATCH]: files[STAGING_PATCH].replace(
          '6.5.0-rc.1',
          '6.5.1-rc.1',
        ),
      },
      'Update staging images',
    );
    expect(await sync.run()).toEqual(
      expect.objectContaining({ status: 'synced', full: false, files: 4 }),
    );

    expect(summary(await release('staging'))).toEqual(
      expect.objectContaining({
        sourcePath: STAGING_PATCH,
        tag: '6.5.1-rc.1',
        commit: sha,
      }),
    );
    expect(await release('production')).toEqual(productionBefore);
    expect(read()).toEqual([
      'apps/base/podinfo/kustomization.yaml',
      BASE,
      'apps/staging/kustomization.yaml',
      STAGING_PATCH,
    ]);
    const [event] = await eventStore.listEvents({
      releases: [
        { environment: 'staging', namespace: 'staging', name: 'podinfo' },
      ],
      repositoryIds: [],
      limit: 1,
    });
    expect(event).toEqual(
      expect.objectContaining({
        type: 'release-updated',
        details: expect.objectContaining({
          to: expect.objectContaining({
            tags: { 'chart-image': '6.5.1-rc.1' },
          }),
        }),
      }),
    );
  });

  it('keeps the last good state of a release whose patch breaks, with the problem on its card, and leaves production alone', async () => {
    const sync = createSync();
    await sync.run();
    const stagingBefore = await release('staging');
    const productionBefore = await release('production');
    await remote.commit(
      {
        [STAGING_PATCH]: `${files[STAGING_PATCH]}    replicaCount: 3\n  values: {}\n`,
      },
      'Break the staging patch',
    );
    await sync.run();

    expect(await release('staging')).toEqual(stagingBefore);
    expect(await release('production')).toEqual(productionBefore);
    expect(await syncStateStore.listSourceProblems(['config'])).toEqual([
      expect.objectContaining({
        path: STAGING_PATCH,
        message: expect.stringMatching(/unique|duplicate/i),
      }),
    ]);

    // The fix replaces the last good state and clears the problem.
    await remote.commit(
      {
        [STAGING_PATCH]: files[STAGING_PATCH].replace(
          '6.5.0-rc.1',
          '6.5.2-rc.1',
        ),
      },
      'Fix it',
    );
    await sync.run();
    expect(summary(await release('staging'))?.tag).toBe('6.5.2-rc.1');
    expect(await syncStateStore.listProblems(['config'])).toEqual([]);
  });

  it('moves every environment when the base changes', async () => {
    const sync = createSync();
    await sync.run();
    readPaths = [];
    await remote.commit(
      { [BASE]: files[BASE].replace('interval: 10m', 'interval: 5m') },
      'Reconcile more often',
    );
    await sync.run();
    expect(((await release('staging'))?.spec as any).interval).toBe('5m');
    expect(((await release('production'))?.spec as any).interval).toBe('5m');
    // Tags stay those of each overlay.
    expect(summary(await release('staging'))?.tag).toBe('6.5.0-rc.1');
    expect(summary(await release('production'))?.tag).toBe('6.5.0');
    expect(read()).not.toContain('apps/staging/namespace.yaml');
  });

  it('keeps an environment whose kustomization breaks, and reads it whole once fixed', async () => {
    const sync = createSync();
    await sync.run();
    const stagingBefore = await release('staging');
    const kustomization = 'apps/staging/kustomization.yaml';
    await remote.commit(
      { [kustomization]: `${files[kustomization]}resources: [again]\n` },
      'Break staging',
    );
    await sync.run();
    expect(await release('staging')).toEqual(stagingBefore);
    expect(await syncStateStore.listSourceProblems(['config'])).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: kustomization }),
        expect.objectContaining({
          path: STAGING_PATCH,
          message: expect.stringContaining(kustomization),
        }),
      ]),
    );
    expect(summary(await release('production'))?.tag).toBe('6.5.0');

    // Fixed, with the namespace changed: the environment is read again.
    await remote.commit(
      {
        [kustomization]: files[kustomization].replace(
          'namespace: staging',
          'namespace: stage',
        ),
      },
      'Fix staging',
    );
    await sync.run();
    expect(await release('staging')).toBeUndefined();
    expect(
      await syncStateStore.getRelease({
        environment: 'staging',
        namespace: 'stage',
        name: 'podinfo',
      }),
    ).toEqual(expect.objectContaining({ sourcePath: STAGING_PATCH }));
    expect(await syncStateStore.listProblems(['config'])).toEqual([]);
  });

  it('derives the environments again when clusters/ changes', async () => {
    const sync = createSync();
    await sync.run();
    await remote.commit(
      {
        'clusters/dev/apps.yaml': files['clusters/staging/apps.yaml'].replace(
          './apps/staging',
          './apps/staging',
        ),
        'clusters/production/apps.yaml': null,
      },
      'A dev cluster on the staging overlay; production leaves',
    );
    await sync.run();
    expect(
      (await syncStateStore.listEnvironments()).map(
        e => `${e.order}:${e.name}:${e.path}`,
      ),
    ).toEqual(['1:dev:apps/staging', '2:staging:apps/staging']);
    expect(await release('dev')).toBeUndefined();
    expect(
      await syncStateStore.getRelease({
        environment: 'dev',
        namespace: 'staging',
        name: 'podinfo',
      }),
    ).toEqual(expect.objectContaining({ sourcePath: STAGING_PATCH }));
    expect(await release('production')).toBeUndefined();
  });

  it('takes a configured environment’s folder from clusters/<name> when its path is left out', async () => {
    await createSync([
      {
        name: 'production',
        repository: 'config',
        path: 'releases/production',
        pathDefaulted: true,
        order: 1,
        apply: false,
        prune: false,
      },
      {
        name: 'staging',
        repository: 'config',
        path: 'apps/staging',
        order: 0,
        apply: false,
        prune: false,
      },
    ]).run();
    expect(await syncStateStore.listEnvironments()).toEqual([
      {
        name: 'staging',
        repository: 'config',
        path: 'apps/staging',
        order: 0,
        kustomization: { namespace: 'flux-system', name: 'apps' },
      },
      {
        name: 'production',
        repository: 'config',
        path: 'apps/production',
        order: 1,
        kustomization: { namespace: 'flux-system', name: 'apps' },
      },
    ]);
    expect(summary(await release('production'))?.replicas).toBe(2);
  });

  it('finds a marker in the base for an overlay that patches other values, and Flux objects the overlays reach', async () => {
    const sync = createSync();
    await sync.run();
    await remote.commit(
      {
        [BASE]: files[BASE].replace(
          'tag: 6.5.0',
          'tag: 6.5.0 # {"$imagepolicy": "flux-system:podinfo-production:tag"}',
        ),
        [PRODUCTION_PATCH]: files[PRODUCTION_PATCH].replace(
          /\n {4}image:\n.*\n/,
          '\n',
        ),
        'apps/base/podinfo/kustomization.yaml':
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release.yaml\n  - policy.yaml\n',
        'apps/base/podinfo/policy.yaml': [
          'apiVersion: image.toolkit.fluxcd.io/v1beta2',
          'kind: ImagePolicy',
          'metadata:',
          '  name: podinfo-base',
          'spec:',
          '  imageRepositoryRef: {name: podinfo}',
          '  policy: {semver: {range: "6.x"}}',
          '',
        ].join('\n'),
      },
      'The base carries the marker; production only scales',
    );
    await sync.run();
    const production = await release('production');
    expect(production?.sourcePath).toBe(PRODUCTION_PATCH);
    expect(production?.images).toEqual([
      expect.objectContaining({
        tag: '6.5.0',
        file: BASE,
        imagePolicyRef: {
          namespace: 'flux-system',
          name: 'podinfo-production',
          field: 'tag',
        },
      }),
    ]);
    expect((await release('staging'))?.images[0]).toEqual(
      expect.objectContaining({
        tag: '6.5.0-rc.1',
        imagePolicyRef: expect.objectContaining({ name: 'podinfo-staging' }),
      }),
    );
    // Read once per overlay that reaches it, in that overlay's namespace.
    expect(
      (await syncStateStore.listFluxObjects('config'))
        .filter(o => o.path === 'apps/base/podinfo/policy.yaml')
        .map(
          o => `${o.environment} ${o.kind} ${o.namespace}/${o.name}:${o.line}`,
        )
        .sort(),
    ).toEqual([
      'production ImagePolicy production/podinfo-base:1',
      'staging ImagePolicy staging/podinfo-base:1',
    ]);
  });

  it('follows a bump of the chart in this repository into the releases of every overlay', async () => {
    const sync = createSync();
    await sync.run();
    const chart = 'charts/podinfo/Chart.yaml';
    await remote.commit(
      { [chart]: files[chart].replace('version: 6.5.0', 'version: 6.5.1') },
      'Bump the chart',
    );
    await sync.run();
    expect((await release('staging'))?.chartVersion).toBe('6.5.1');
    expect((await release('production'))?.chartVersion).toBe('6.5.1');
  });

  it('keeps the environments and their Flux objects while a file of clusters/ does not read cleanly', async () => {
    const sync = createSync();
    await sync.run();
    const policies = await syncStateStore.listFluxObjects('config', [
      'ImagePolicy',
    ]);
    await remote.commit(
      {
        'clusters/production/apps.yaml': `${files['clusters/production/apps.yaml']}spec: {}\n`,
        'clusters/production/image-automation.yaml': `${files['clusters/production/image-automation.yaml']}  update: {}\n`,
      },
      'Break production',
    );
    await sync.run();
    expect((await syncStateStore.listEnvironments()).map(e => e.name)).toEqual([
      'staging',
      'production',
    ]);
    expect(summary(await release('production'))?.tag).toBe('6.5.0');
    expect(
      await syncStateStore.listFluxObjects('config', ['ImagePolicy']),
    ).toEqual(policies);
    expect(
      (await syncStateStore.listSourceProblems(['config'])).map(p => p.path),
    ).toEqual([
      'clusters/production/apps.yaml',
      'clusters/production/image-automation.yaml',
    ]);
  });

  it('notices the fix of a base that never read cleanly', async () => {
    await remote.commit(
      { [BASE]: `${files[BASE]}  values: {}\n` },
      'Start with a broken base',
    );
    const sync = createSync();
    await sync.run();
    expect(await release('staging')).toBeUndefined();
    expect(
      (await syncStateStore.listSourceProblems(['config'])).map(p => p.path),
    ).toContain(BASE);

    readPaths = [];
    await remote.commit({ [BASE]: files[BASE] }, 'Fix the base');
    expect(await sync.run()).toEqual(expect.objectContaining({ full: false }));
    expect(summary(await release('staging'))?.tag).toBe('6.5.0-rc.1');
    expect(summary(await release('production'))?.tag).toBe('6.5.0');
    expect(await syncStateStore.listProblems(['config'])).toEqual([]);
  });
});

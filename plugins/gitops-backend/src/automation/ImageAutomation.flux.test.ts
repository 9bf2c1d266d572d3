import { mockServices } from '@backstage/backend-test-utils';
import {
  kubeConfigFor,
  KubernetesDouble,
  startKubernetesDouble,
} from '@backstage-gitops/kubernetes-double';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Knex } from 'knex';
import { KubernetesCluster } from '../cluster';
import { ImageAutomationParty, RepositoryConfig } from '../config';
import { ReleaseRecord } from '../database';
import { GitopsStores } from '../database/gitopsStores';
import { CliGitRepository } from '../git';
import { createTestRemote, runTestGit, TestRemote } from '../git/__testUtils__';
import { ImageScanner } from '../registry';
import { InMemoryImageMetadataCache } from '../registry/__testUtils__/InMemoryImageMetadataCache';
import { pushTestImage } from '../registry/__testUtils__/pushTestImage';
import {
  startTestRegistry,
  TestRegistry,
} from '../registry/__testUtils__/startTestRegistry';
import {
  exampleConfigRepoFiles,
  exampleFluxObjects,
} from '../__testUtils__/exampleConfigRepo';
import {
  createMemoryStore,
  testRepositoryConfig,
} from '../__testUtils__/memoryStore';
import { RepositorySync } from '../sync/RepositorySync';
import { ImageAutomation } from './ImageAutomation';

jest.setTimeout(90_000);

const PODINFO = 'stefanprodan/podinfo';
const ENVIRONMENTS = ['staging', 'production'] as const;
const valuesFile = (env: string) => `apps/${env}/podinfo-values.yaml`;

/** The base's podinfo as an environment's overlay makes it: its tag and marker are in the overlay's values file. */
function podinfoOf(files: Record<string, string>, env: string): ReleaseRecord {
  const marked = /tag: (\S+) # \{"\$imagepolicy": "([^:]+):([^:]+):tag"\}/.exec(
    files[valuesFile(env)],
  )!;
  return {
    repository: 'config',
    environment: env,
    namespace: env,
    name: 'podinfo',
    releaseName: 'podinfo',
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    chart: {
      type: 'source',
      chart: './charts/podinfo',
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    },
    chartName: 'podinfo',
    labels: {},
    annotations: {},
    automated: false,
    locked: false,
    images: [
      {
        container: 'chart-image',
        registry: 'ghcr.io',
        repository: PODINFO,
        tag: marked[1],
        paths: { tag: 'image.tag' },
        imagePolicyRef: { namespace: marked[2], name: marked[3], field: 'tag' },
        file: valuesFile(env),
      },
    ],
    sourcePath: 'apps/base/podinfo/release.yaml',
    spec: {},
    commit: 'c0',
    updatedAt: new Date(0).toISOString(),
  };
}

describe('ImageAutomation of Flux v2 setter markers (examples/config-repo-v2)', () => {
  let registry: TestRegistry;
  let remote: TestRemote;
  let workDir: string;
  let knex: Knex;
  let stores: GitopsStores;
  let files: Record<string, string>;
  const logger = mockServices.logger.mock();
  let scans: string[];

  const repository = (party?: ImageAutomationParty): RepositoryConfig =>
    testRepositoryConfig(remote.url, {
      author: { name: 'Image Bot', email: 'bot@example.com' },
      ...(party ? { automation: party } : {}),
    });

  const push = (tag: string) =>
    pushTestImage(registry, {
      repository: PODINFO,
      tag,
      created: '2026-11-01T10:00:00Z',
    });

  /** Stores the repository as git sync would: the overlays' releases and every Flux object. */
  async function store(current: Record<string, string> = files) {
    await stores.syncStateStore.applySync({
      repositoryId: 'config',
      commit: (await remote.head())!,
      syncedAt: new Date(),
      full: true,
      replacedPaths: [],
      releases: ENVIRONMENTS.map(env => podinfoOf(current, env)),
      fluxObjects: exampleFluxObjects(current),
      problems: [],
      events: [],
    });
  }

  function automation(
    automationParty?: ImageAutomationParty,
    clusterFor?: ConstructorParameters<typeof ImageAutomation>[0]['clusterFor'],
  ) {
    const repo = repository(automationParty);
    const scanner = new ImageScanner({
      registries: [{ host: 'ghcr.io', url: registry.url }],
      cache: new InMemoryImageMetadataCache(),
      logger,
    });
    return new ImageAutomation({
      repository: repo,
      git: CliGitRepository.create({
        id: 'config',
        remote: repo,
        workDir: path.join(workDir, 'automation'),
        logger,
      }),
      syncStateStore: stores.syncStateStore,
      imageStatusStore: stores.imageStatusStore,
      eventStore: stores.eventStore,
      images: {
        scan: (image, wants) => {
          scans.push(`${image.registry}/${image.repository}`);
          return scanner.scan(image, wants);
        },
        digestOf: (image, tag) => scanner.digestOf(image, tag),
      },
      logger,
      clusterFor,
    });
  }

  const show = (rev: string, file: string) =>
    runTestGit([`--git-dir=${remote.path}`, 'show', `${rev}:${file}`]);
  const commitsOf = async (rev = 'main') =>
    (
      await runTestGit([
        `--git-dir=${remote.path}`,
        'log',
        '--format=%an <%ae>|%B%x00',
        rev,
      ])
    )
      .split('\0')
      .map(c => c.trim())
      .filter(Boolean);
  const statusOf = async (env: string) =>
    (await stores.syncStateStore.getRelease({
      environment: env,
      namespace: env,
      name: 'podinfo',
    }))!.images[0].status;

  beforeEach(async () => {
    registry = await startTestRegistry();
    scans = [];
    files = await exampleConfigRepoFiles('config-repo-v2');
    remote = await createTestRemote();
    await remote.commit(files, 'Import');
    workDir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'gitops-flux-automation-test-'),
    );
    ({ knex, ...stores } = await createMemoryStore());
    await stores.syncStateStore.ensureRepository({
      id: 'config',
      url: remote.url,
      branch: 'main',
    });
    await stores.syncStateStore.replaceEnvironments(
      'config',
      ENVIRONMENTS.map((name, index) => ({
        name,
        repository: 'config',
        path: `apps/${name}`,
        order: index + 1,
      })),
    );
    await store();
  });

  afterEach(async () => {
    await registry?.stop();
    await knex.destroy();
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it("moves staging inside its ImagePolicy's range, in the overlay only, as the ImageUpdateAutomation commits", async () => {
    await push('6.5.0');
    await push('6.5.1-rc.1');
    await push('7.0.0');
    await push('6.5.1.sig');
    const before = await remote.head();

    const outcome = await automation().run();

    expect(outcome.status).toBe('committed');
    const commits = await commitsOf();
    expect(commits).toHaveLength(2);
    expect(commits[0]).toBe(
      'fluxcdbot <fluxcdbot@users.noreply.github.com>|Update staging images',
    );
    const changed = await runTestGit([
      `--git-dir=${remote.path}`,
      'diff',
      '--name-only',
      before!,
      'main',
    ]);
    expect(changed).toBe(valuesFile('staging'));
    expect(await show('main', valuesFile('staging'))).toBe(
      files[valuesFile('staging')]
        .replace('6.5.0-rc.1 #', '6.5.1-rc.1 #')
        .trim(),
    );
    expect(await statusOf('staging')).toMatchObject({
      latestTag: '6.5.1-rc.1',
      policy: 'semver:>=6.0.0-0 <7.0.0',
      imagePolicy: 'flux-system/podinfo-staging',
      automation: 'backstage',
    });
    // ~6.5.0 admits no pre-release: production stays where it is.
    expect(await statusOf('production')).toMatchObject({
      latestTag: '6.5.0',
      policy: 'semver:~6.5.0',
      imagePolicy: 'flux-system/podinfo-production',
    });
    // One listing of the image served both policies.
    expect(scans).toEqual([`ghcr.io/${PODINFO}`]);
    const events = await stores.eventStore.listEvents({
      releases: [
        { environment: 'staging', namespace: 'staging', name: 'podinfo' },
      ],
      repositoryIds: [],
      limit: 5,
    });
    expect(events[0]).toMatchObject({
      type: 'image-updated',
      author: 'fluxcdbot',
      message: 'Update staging images',
      details: expect.objectContaining({
        from: '6.5.0-rc.1',
        to: '6.5.1-rc.1',
        file: valuesFile('staging'),
        imagePolicy: 'flux-system/podinfo-staging',
        imageUpdateAutomation: 'flux-system/apps',
      }),
    });
  });

  it('moves production to 6.5.1 only once 6.5.1 is pushed, in a commit of its own automation', async () => {
    await push('6.5.0');
    await push('6.5.1-rc.1');
    await automation().run();
    expect(await show('main', valuesFile('production'))).toContain(
      'tag: 6.5.0 #',
    );

    await push('6.5.1');
    const outcome = await automation().run();
    expect(outcome.status).toBe('committed');
    const [newest, second] = await commitsOf();
    expect([newest, second].sort()).toEqual([
      'fluxcdbot <fluxcdbot@users.noreply.github.com>|Update production images',
      'fluxcdbot <fluxcdbot@users.noreply.github.com>|Update staging images',
    ]);
    expect(await show('main', valuesFile('production'))).toContain(
      'tag: 6.5.1 # {"$imagepolicy": "flux-system:podinfo-production:tag"}',
    );
    expect(await show('main', valuesFile('staging'))).toContain('tag: 6.5.1 #');

    // Nothing new: no commit, however stale the store's tags are.
    const head = await remote.head();
    expect((await automation().run()).status).toBe('unchanged');
    expect(await remote.head()).toBe(head);
  });

  it('reports a marker whose ImagePolicy is missing or ambiguous, and writes nothing', async () => {
    await push('6.5.1-rc.1');
    const broken = {
      ...files,
      [valuesFile('staging')]: files[valuesFile('staging')].replace(
        'podinfo-staging',
        'podinfo-gone',
      ),
      // Both clusters define podinfo-production, differently; staging has no claim on it.
      'clusters/staging/extra-policy.yaml': [
        'apiVersion: image.toolkit.fluxcd.io/v1',
        'kind: ImagePolicy',
        'metadata: { name: podinfo-production, namespace: flux-system }',
        'spec:',
        '  imageRepositoryRef: { name: podinfo }',
        '  policy: { semver: { range: ">=6.0.0-0" } }',
      ].join('\n'),
    };
    await store(broken);
    const head = await remote.head();
    await automation().run();
    expect(await remote.head()).toBe(head);
    expect(await statusOf('staging')).toMatchObject({
      imagePolicy: 'flux-system/podinfo-gone',
      problem: 'no ImagePolicy flux-system/podinfo-gone in the repository',
    });
    // Production prefers its own cluster's definition.
    expect(await statusOf('production')).toMatchObject({
      policy: 'semver:~6.5.0',
    });
    expect((await statusOf('production'))!.problem).toBeUndefined();

    // Without production's own, two other folders' different definitions leave it ambiguous.
    const ambiguous = {
      ...broken,
      'clusters/production/image-automation.yaml': broken[
        'clusters/production/image-automation.yaml'
      ].replace('name: podinfo-production', 'name: podinfo-production-old'),
      'clusters/shared/policy.yaml': broken[
        'clusters/staging/extra-policy.yaml'
      ].replace('>=6.0.0-0', '>=1.0.0'),
    };
    await store(ambiguous);
    await automation().run();
    expect((await statusOf('production'))!.problem).toMatch(
      /^ImagePolicy flux-system\/podinfo-production is ambiguous: /,
    );
  });

  it('reports a marker outside every update path instead of writing it', async () => {
    await push('6.5.1-rc.1');
    const narrowed = {
      ...files,
      'clusters/staging/image-automation.yaml': files[
        'clusters/staging/image-automation.yaml'
      ].replace('path: ./apps/staging', 'path: ./apps/staging/only-this'),
    };
    await store(narrowed);
    const head = await remote.head();
    await automation().run();
    expect(await remote.head()).toBe(head);
    expect(await statusOf('staging')).toMatchObject({
      latestTag: '6.5.1-rc.1',
      problem: `${valuesFile(
        'staging',
      )} is outside every ImageUpdateAutomation's update.path, so no automation writes its marker`,
    });
  });

  it('renders the message template and pushes to the automation push branch, never forcing', async () => {
    await push('6.5.1-rc.1');
    const templated = files['clusters/staging/image-automation.yaml']
      .replace(
        'messageTemplate: "Update staging images"',
        'messageTemplate: "Images by {{ .AutomationObject }}:{{ range .Updated.Images }} {{ . }}{{ end }}"',
      )
      .replace(/push:\n {6}branch: main/, 'push:\n      branch: image-updates');
    await remote.commit(
      { 'clusters/staging/image-automation.yaml': templated },
      'Template',
    );
    const current = {
      ...files,
      'clusters/staging/image-automation.yaml': templated,
    };
    await store(current);
    const main = await remote.head();

    await automation().run();

    expect(await remote.head()).toBe(main);
    const [commit] = await commitsOf('image-updates');
    expect(commit).toBe(
      `fluxcdbot <fluxcdbot@users.noreply.github.com>|Images by flux-system/apps: ghcr.io/${PODINFO}:6.5.1-rc.1`,
    );
    expect(await show('image-updates', valuesFile('staging'))).toContain(
      'tag: 6.5.1-rc.1 #',
    );
  });

  it('falls back to the Auto-release message for a template it cannot render, and says so', async () => {
    await push('6.5.1-rc.1');
    const templated = files['clusters/staging/image-automation.yaml'].replace(
      'messageTemplate: "Update staging images"',
      'messageTemplate: "{{ .Values.team }} images"',
    );
    await store({
      ...files,
      'clusters/staging/image-automation.yaml': templated,
    });
    await automation().run();
    const [commit] = await commitsOf();
    expect(commit).toBe(
      `fluxcdbot <fluxcdbot@users.noreply.github.com>|Auto-release ghcr.io/${PODINFO}:6.5.1-rc.1`,
    );
    const [event] = await stores.eventStore.listEvents({
      releases: [],
      repositoryIds: ['config'],
      limit: 1,
    });
    expect(event).toMatchObject({
      type: 'automation-message-fallback',
      details: { template: '{{ .Values.team }} images' },
    });
  });

  it('writes the chosen tag digest into a :digest marker', async () => {
    await push('6.5.0-rc.1');
    const digest = await push('6.5.1-rc.1');
    const old = `sha256:${'0'.repeat(64)}`;
    const withDigest = files[valuesFile('staging')].replace(
      /( {6}tag: .*\n)/,
      `$1      digest: ${old} # {"$imagepolicy": "flux-system:podinfo-staging:digest"}\n`,
    );
    await remote.commit(
      { [valuesFile('staging')]: withDigest },
      'Pin by digest too',
    );
    const current = { ...files, [valuesFile('staging')]: withDigest };
    const staging = podinfoOf(current, 'staging');
    staging.images.push({
      ...staging.images[0],
      container: 'image.digest',
      paths: { digest: 'image.digest' },
      imagePolicyRef: {
        namespace: 'flux-system',
        name: 'podinfo-staging',
        field: 'digest',
      },
    });
    await stores.syncStateStore.applySync({
      repositoryId: 'config',
      commit: (await remote.head())!,
      syncedAt: new Date(),
      full: true,
      replacedPaths: [],
      releases: [staging, podinfoOf(current, 'production')],
      fluxObjects: exampleFluxObjects(current),
      problems: [],
      events: [],
    });

    await automation().run();

    const written = await show('main', valuesFile('staging'));
    expect(written).toContain(
      'tag: 6.5.1-rc.1 # {"$imagepolicy": "flux-system:podinfo-staging:tag"}',
    );
    expect(written).toContain(
      `digest: ${digest} # {"$imagepolicy": "flux-system:podinfo-staging:digest"}`,
    );
    expect(digest).not.toBe(old);
  });

  it('leaves a marked file that does not read cleanly at the head alone, and says so on its release', async () => {
    await push('6.5.1-rc.1');
    // Broken after the sync stored the release: the head is what counts.
    await remote.commit(
      { [valuesFile('staging')]: `${files[valuesFile('staging')]}  oops: [\n` },
      'Break staging',
    );
    const head = await remote.head();
    expect((await automation().run()).status).toBe('unchanged');
    expect(await remote.head()).toBe(head);
    const [event] = await stores.eventStore.listEvents({
      releases: [
        { environment: 'staging', namespace: 'staging', name: 'podinfo' },
      ],
      repositoryIds: [],
      limit: 1,
    });
    expect(event).toMatchObject({
      type: 'automation-skipped',
      details: expect.objectContaining({ path: valuesFile('staging') }),
    });
  });

  it('with automation off, scans nothing, commits nothing and says so', async () => {
    await push('6.5.1-rc.1');
    const head = await remote.head();
    expect((await automation('off').run()).status).toBe('unchanged');
    expect(scans).toEqual([]);
    expect(await remote.head()).toBe(head);
    expect(await statusOf('staging')).toMatchObject({ automation: 'off' });
    expect((await statusOf('staging'))!.latestTag).toBeUndefined();
  });

  describe('when Flux automates', () => {
    let double: KubernetesDouble;
    let v1beta2: KubernetesDouble;

    beforeEach(async () => {
      double = await startKubernetesDouble({
        namespaces: ['flux-system'],
        helmOperator: false,
      });
      v1beta2 = await startKubernetesDouble({
        namespaces: ['flux-system'],
        helmOperator: false,
        servedVersions: { 'image.toolkit.fluxcd.io': ['v1beta2'] },
      });
    });
    afterEach(async () => {
      await double?.stop();
      await v1beta2?.stop();
    });

    it("commits nothing and reports the cluster's ImagePolicy latest image at v1 and v1beta2", async () => {
      await push('6.5.1-rc.1');
      double.objects().put({
        apiVersion: 'image.toolkit.fluxcd.io/v1',
        kind: 'ImagePolicy',
        metadata: { name: 'podinfo-staging', namespace: 'flux-system' },
        spec: {
          imageRepositoryRef: { name: 'podinfo' },
          policy: { semver: { range: '>=6.0.0-0 <7.0.0' } },
        },
        status: {
          latestRef: { name: `ghcr.io/${PODINFO}`, tag: '6.5.2-rc.1' },
        },
      });
      const cluster = {
        name: 'staging',
        api: new KubernetesCluster(kubeConfigFor(double)),
      };
      const head = await remote.head();

      const outcome = await automation('flux', env =>
        env === 'staging' ? cluster : undefined,
      ).run();

      expect(outcome.status).toBe('unchanged');
      expect(await remote.head()).toBe(head);
      expect(scans).toEqual([]);
      expect(await statusOf('staging')).toMatchObject({
        automation: 'flux',
        latestTag: '6.5.2-rc.1',
        imagePolicy: 'flux-system/podinfo-staging',
        policy: 'semver:>=6.0.0-0 <7.0.0',
      });
      expect((await statusOf('production'))!.problem).toBe(
        'environment production has no cluster to read ImagePolicy flux-system/podinfo-production from',
      );

      // A cluster serving the image API at v1beta2 says status.latestImage.
      v1beta2.objects().put({
        apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
        kind: 'ImagePolicy',
        metadata: { name: 'podinfo-production', namespace: 'flux-system' },
        spec: {
          imageRepositoryRef: { name: 'podinfo' },
          policy: { semver: { range: '~6.5.0' } },
        },
        status: { latestImage: `ghcr.io/${PODINFO}:6.5.3` },
      });
      const production = {
        name: 'production',
        api: new KubernetesCluster(kubeConfigFor(v1beta2)),
      };
      await automation('flux', env =>
        env === 'staging' ? cluster : production,
      ).run();
      expect(await remote.head()).toBe(head);
      expect(await statusOf('production')).toMatchObject({
        automation: 'flux',
        latestTag: '6.5.3',
        policy: 'semver:~6.5.0',
      });
    });
  });
});

describe('Flux v2 image automation end to end with git sync (examples/config-repo-v2)', () => {
  const logger = mockServices.logger.mock();

  it('syncs the overlays, commits the staging move by fluxcdbot, and the next sync stores it', async () => {
    const registry = await startTestRegistry();
    const remote = await createTestRemote();
    const workDir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'gitops-flux-e2e-test-'),
    );
    const { knex, ...stores } = await createMemoryStore();
    try {
      await remote.commit(
        await exampleConfigRepoFiles('config-repo-v2'),
        'Import the podinfo fleet',
      );
      for (const tag of ['6.5.0', '6.5.1-rc.1', '7.0.0', '6.5.1.sig']) {
        await pushTestImage(registry, {
          repository: PODINFO,
          tag,
          created: '2026-11-01T10:00:00Z',
        });
      }
      const repo = testRepositoryConfig(remote.url);
      const sync = new RepositorySync({
        repository: repo,
        environments: [],
        git: CliGitRepository.create({
          id: 'config',
          remote: repo,
          workDir: path.join(workDir, 'sync'),
          logger,
        }),
        syncStateStore: stores.syncStateStore,
        logger,
      });
      await sync.run();
      const scanner = new ImageScanner({
        registries: [{ host: 'ghcr.io', url: registry.url }],
        cache: new InMemoryImageMetadataCache(),
        logger,
      });
      const outcome = await new ImageAutomation({
        repository: repo,
        git: CliGitRepository.create({
          id: 'config',
          remote: repo,
          workDir: path.join(workDir, 'automation'),
          logger,
        }),
        syncStateStore: stores.syncStateStore,
        imageStatusStore: stores.imageStatusStore,
        eventStore: stores.eventStore,
        images: scanner,
        logger,
      }).run();
      expect(outcome.status).toBe('committed');
      const author = await runTestGit([
        `--git-dir=${remote.path}`,
        'log',
        '-1',
        '--format=%an|%s',
        'main',
      ]);
      expect(author).toBe('fluxcdbot|Update staging images');

      await sync.run();
      const staging = await stores.syncStateStore.getRelease({
        environment: 'staging',
        namespace: 'staging',
        name: 'podinfo',
      });
      expect(staging!.images[0]).toMatchObject({
        tag: '6.5.1-rc.1',
        status: expect.objectContaining({
          latestTag: '6.5.1-rc.1',
          policy: 'semver:>=6.0.0-0 <7.0.0',
        }),
      });
      const production = await stores.syncStateStore.getRelease({
        environment: 'production',
        namespace: 'production',
        name: 'podinfo',
      });
      expect(production!.images[0]).toMatchObject({
        tag: '6.5.0',
        status: expect.objectContaining({ latestTag: '6.5.0' }),
      });
    } finally {
      await registry.stop();
      await knex.destroy();
      await remote.remove();
      await fs.rm(workDir, { recursive: true, force: true });
    }
  });
});

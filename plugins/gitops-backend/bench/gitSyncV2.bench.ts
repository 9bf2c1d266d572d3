/*
 * Flux v2 repositories at fleet size, against Flux v1 in the same run: two
 * generated config repositories of 2,000 HelmReleases in 3 environments, the
 * same images and the same policy. v1 is `releases/<env>/app-<i>.yaml` with
 * Flux v1 annotations; v2 is Flux's layout (`clusters/<env>` Kustomizations
 * and ImageRepository/ImagePolicy per app, `apps/base/app-<i>`, overlays
 * `apps/<env>` patching each release with a setter-marked tag). For each:
 * the full sync, the incremental sync of one changed file (v2: an overlay
 * file) against its floor (a bare fetch and diff of the same change, as
 * gitSync.bench.ts measures it), and the image scan of image automation
 * against a real docker-registry; then the v2/v1 ratios.
 *
 * `yarn bench v2` runs only this one.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImageAutomation } from '../src/automation';
import { CliGitRepository } from '../src/git';
import { ImageScanner } from '../src/registry';
import {
  InMemoryImageMetadataCache,
  pushTestImage,
  seedTestTags,
  startTestRegistry,
  TestRegistry,
} from '../src/registry/__testUtils__';
import { RepositorySync } from '../src/sync/RepositorySync';
import {
  createMemoryStore,
  testRepositoryConfig,
} from '../src/__testUtils__/memoryStore';
import { git, median, timed } from './benchTools';

const RELEASES = 2000;
const ENVIRONMENTS = ['dev', 'stg', 'prod'];
/** Releases share images, as services of one fleet share base images. */
const IMAGES = 200;
const TAGS = 20;
const ROUNDS = 3;
/** Every file names the newest tag, so a scan decides and commits nothing. */
const NEWEST_TAG = `1.0.${TAGS - 1}`;

type Files = Record<string, string>;

/** One layout of the same fleet: its files and the one file an incremental round rewrites. */
type Flavor = {
  name: 'v1' | 'v2';
  files(imageOf: (i: number) => string): Files;
  /** Round `round`'s change: one file of release `i` in dev, with a new replica count. */
  changed(i: number, round: number, imageOf: (i: number) => string): Files;
};

const envOf = (i: number) => ENVIRONMENTS[i % ENVIRONMENTS.length];
const chart = {
  'charts/app/Chart.yaml': 'apiVersion: v1\nname: app\nversion: 1.0.0\n',
};

function v1Release(i: number, image: string, replicas: number) {
  const env = envOf(i);
  return `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: app-${i}
  namespace: ${env}
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/chart-image: semver:~1.0
spec:
  releaseName: app-${i}-${env}
  chart:
    git: git@example.com:org/config
    path: charts/app
    ref: main
  values:
    image:
      repository: ${image}
      tag: ${NEWEST_TAG}
    replicaCount: ${replicas}
`;
}

const v1: Flavor = {
  name: 'v1',
  files(imageOf) {
    const files: Files = { ...chart };
    for (let i = 0; i < RELEASES; i++) {
      files[`releases/${envOf(i)}/app-${i}.yaml`] = v1Release(i, imageOf(i), 2);
    }
    return files;
  },
  changed: (i, round, imageOf) => ({
    [`releases/${envOf(i)}/app-${i}.yaml`]: v1Release(i, imageOf(i), 3 + round),
  }),
};

function v2Overlay(i: number, replicas: number) {
  return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app-${i}
spec:
  values:
    image:
      tag: ${NEWEST_TAG} # {"$imagepolicy": "flux-system:app-${i}-${envOf(
    i,
  )}:tag"}
    replicaCount: ${replicas}
`;
}

function v2Cluster(
  env: string,
  apps: number[],
  imageOf: (i: number) => string,
): Files {
  const sourceRef = `  sourceRef:
    kind: GitRepository
    name: flux-system
`;
  const files: Files = {
    [`clusters/${env}/flux-system/gotk-sync.yaml`]: `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  url: ssh://git@example.com/org/fleet
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./clusters/${env}
  prune: true
${sourceRef}`,
    [`clusters/${env}/apps.yaml`]: `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./apps/${env}
  prune: true
${sourceRef}`,
    [`clusters/${env}/image-automation.yaml`]: `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 5m0s
${sourceRef}  git:
    checkout:
      ref:
        branch: main
    commit:
      author:
        email: bot@example.com
        name: bot
    push:
      branch: main
  update:
    path: ./apps/${env}
    strategy: Setters
`,
    [`apps/${env}/kustomization.yaml`]: [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `namespace: ${env}`,
      'resources:',
      ...apps.map(i => `  - ../base/app-${i}`),
      'patches:',
      ...apps.flatMap(i => [
        `  - path: app-${i}-values.yaml`,
        '    target:',
        '      kind: HelmRelease',
        `      name: app-${i}`,
      ]),
      '',
    ].join('\n'),
  };
  for (const i of apps) {
    files[
      `clusters/${env}/images/app-${i}.yaml`
    ] = `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata:
  name: app-${i}
  namespace: flux-system
spec:
  image: ${imageOf(i)}
  interval: 5m0s
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata:
  name: app-${i}-${env}
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: app-${i}
  policy:
    semver:
      range: "~1.0"
`;
    files[`apps/${env}/app-${i}-values.yaml`] = v2Overlay(i, 2);
  }
  return files;
}

const v2: Flavor = {
  name: 'v2',
  files(imageOf) {
    const files: Files = { ...chart };
    for (let i = 0; i < RELEASES; i++) {
      files[`apps/base/app-${i}/kustomization.yaml`] =
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release.yaml\n';
      files[
        `apps/base/app-${i}/release.yaml`
      ] = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app-${i}
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/app
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
  values:
    image:
      repository: ${imageOf(i)}
      tag: 1.0.0
    replicaCount: 1
`;
    }
    ENVIRONMENTS.forEach((env, e) => {
      const apps = Array.from({ length: RELEASES }, (_, i) => i).filter(
        i => i % ENVIRONMENTS.length === e,
      );
      Object.assign(files, v2Cluster(env, apps, imageOf));
    });
    return files;
  },
  changed: (i, round) => ({
    [`apps/${envOf(i)}/app-${i}-values.yaml`]: v2Overlay(i, 3 + round),
  }),
};

const commitArgs = [
  '-c',
  'user.name=bench',
  '-c',
  'user.email=bench@example.com',
];

async function writeFiles(work: string, files: Files) {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(work, file)), { recursive: true });
    await writeFile(path.join(work, file), text);
  }
}

/** The registry's images: each with tags 1.0.0 .. 1.0.<TAGS-1>. */
async function createImages(registry: TestRegistry) {
  const tags = Array.from({ length: TAGS }, (_, t) => `1.0.${t}`);
  for (let n = 0; n < IMAGES; n++) {
    const repository = `fleet/app-${n}`;
    const digest = await pushTestImage(registry, {
      repository,
      tag: tags[0],
      created: new Date(Date.UTC(2024, 0, 1 + (n % 28))).toISOString(),
    });
    seedTestTags(registry, { repository, digest, tags: tags.slice(1) });
  }
}

type Figures = {
  fullMs: number;
  stored: number;
  incrementalMs: number;
  incrementalTimes: number[];
  /** A bare `git fetch` plus `git diff --name-only` of the same change: what no sync can beat. */
  floorMs: number;
  firstScanMs: number;
  scanMs: number;
  scanTimes: number[];
  scanStatus: string;
  imageStatuses: number;
};

async function measure(
  flavor: Flavor,
  root: string,
  registry: TestRegistry,
): Promise<Figures> {
  const imageOf = (i: number) => `${registry.host}/fleet/app-${i % IMAGES}`;
  const work = path.join(root, flavor.name, 'work');
  const remote = path.join(root, flavor.name, 'remote.git');
  await mkdir(work, { recursive: true });
  await writeFiles(work, flavor.files(imageOf));
  await git(root, 'init', '-q', '--bare', '-b', 'main', remote);
  await git(work, 'init', '-q', '-b', 'main');
  await git(work, 'add', '-A');
  await git(work, ...commitArgs, 'commit', '-q', '-m', 'Generate');
  await git(work, 'push', '-q', remote, 'main');
  const floorClone = path.join(root, flavor.name, 'floor.git');
  await git(root, 'clone', '-q', '--bare', `file://${remote}`, floorClone);

  const stores = await createMemoryStore();
  try {
    const repository = testRepositoryConfig(`file://${remote}`, {
      id: 'bench',
    });
    const logger = mockServices.rootLogger({ level: 'warn' });
    const gitRepository = (loop: string) =>
      CliGitRepository.create({
        id: 'bench',
        remote: repository,
        workDir: path.join(root, flavor.name, loop),
        logger,
      });
    const sync = new RepositorySync({
      repository,
      environments: [],
      git: gitRepository('sync'),
      syncStateStore: stores.syncStateStore,
      logger,
    });

    const [, fullMs] = await timed(() => sync.run());
    const stored = (
      await stores.syncStateStore.releasesFromPaths('bench', 'all')
    ).length;

    const incrementalTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const app = 3 + round * 3; // app-3, app-6, app-9: all in dev
      await writeFiles(work, flavor.changed(app, round, imageOf));
      await git(work, ...commitArgs, 'commit', '-q', '-am', `Scale app-${app}`);
      await git(work, 'push', '-q', remote, 'main');
      const before = (await git(floorClone, 'rev-parse', 'HEAD')).stdout.trim();
      const [, floor] = await timed(async () => {
        await git(
          floorClone,
          'fetch',
          '-q',
          'origin',
          '+refs/heads/main:refs/heads/main',
        );
        await git(floorClone, 'diff', '--name-only', before, 'main');
      });
      floorTimes.push(floor);
      const [, syncMs] = await timed(() => sync.run());
      incrementalTimes.push(syncMs);
    }

    let imageStatuses = 0;
    const automation = new ImageAutomation({
      repository,
      git: gitRepository('automation'),
      syncStateStore: stores.syncStateStore,
      imageStatusStore: {
        // Counted, to show both layouts decided for every release image.
        async recordImageStatuses(statuses) {
          imageStatuses = statuses.length;
          await stores.imageStatusStore.recordImageStatuses(statuses);
        },
        imageStatusesOf: releases =>
          stores.imageStatusStore.imageStatusesOf(releases),
      },
      eventStore: stores.eventStore,
      images: new ImageScanner({
        registries: [
          { host: registry.host, url: registry.url, concurrency: 4 },
        ],
        cache: new InMemoryImageMetadataCache(),
        logger,
      }),
      logger,
    });
    const [first, firstScanMs] = await timed(() => automation.run());
    const scanTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [, scanMs] = await timed(() => automation.run());
      scanTimes.push(scanMs);
    }
    return {
      fullMs,
      stored,
      incrementalMs: median(incrementalTimes),
      incrementalTimes,
      floorMs: median(floorTimes),
      firstScanMs,
      scanMs: median(scanTimes),
      scanTimes,
      scanStatus: first.status,
      imageStatuses,
    };
  } finally {
    await stores.knex.destroy();
  }
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');

export async function run() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gitops-bench-v2-'));
  const registry = await startTestRegistry({
    tempRoot: existsSync('/dev/shm') ? '/dev/shm' : undefined,
  });
  try {
    await createImages(registry);
    const figures: Record<'v1' | 'v2', Figures> = {
      v1: await measure(v1, root, registry),
      v2: await measure(v2, root, registry),
    };
    console.log(
      `git sync and image scan, Flux v2 layout vs v1 (${RELEASES} HelmReleases in ${ENVIRONMENTS.length} environments, ${IMAGES} images x ${TAGS} tags, semver ~1.0)`,
    );
    for (const name of ['v1', 'v2'] as const) {
      const f = figures[name];
      console.log(`  ${name}:`);
      console.log(
        `    full sync:              ${ms(f.fullMs)} (${
          f.stored
        } releases stored)`,
      );
      console.log(
        `    incremental, one file:  ${ms(
          f.incrementalMs,
        )} median of ${ROUNDS} (${f.incrementalTimes
          .map(t => t.toFixed(0))
          .join(', ')}); floor ${ms(f.floorMs)}, ratio ${ratio(
          f.incrementalMs,
          f.floorMs,
        )} (target <= 2)`,
      );
      console.log(
        `    image scan:             first ${ms(f.firstScanMs)} (${
          f.scanStatus
        }), then ${ms(f.scanMs)} median of ${ROUNDS}; ${
          f.imageStatuses
        } image statuses recorded`,
      );
    }
    const { v1: one, v2: two } = figures;
    console.log(
      `  ratio v2/v1: full sync ${ratio(
        two.fullMs,
        one.fullMs,
      )}, incremental ${ratio(
        two.incrementalMs,
        one.incrementalMs,
      )}, image scan ${ratio(
        two.scanMs,
        one.scanMs,
      )} (target: v2 within the v1 figures, full sync < 10000 ms)`,
    );
    if (two.stored !== one.stored) {
      console.log(
        `  note: v2 stored ${two.stored} releases, v1 ${one.stored}: the comparison is not like for like`,
      );
    }
  } finally {
    await registry.stop();
    await rm(root, { recursive: true, force: true });
  }
}

/*
 * Memory at fleet size over time (issue 14, "Bounded memory"): the plugin as
 * shipped, in a test backend on PostgreSQL, with its own scheduled loops
 * (git sync, image automation against a real docker-registry, Helm
 * reconcile against simulated clusters) on a generated config repository of
 * 20,000 releases of 200 entities in 4 environments, one cluster each.
 * Every cluster starts with every release installed as git first asks (Helm
 * release Secrets written directly), which each reconcile reads and
 * compares; MEMORY_BENCH_APPLY=dev has the backend apply dev's 5,000
 * releases instead (installed by the simulated Helm operator), which took
 * longer than 18 minutes on a loaded 2-core machine. The clusters and the
 * registry run in a child process, so the RSS printed is the backend's.
 * Every minute a release changes in git, and every 90 s a new dev build is
 * pushed that automation commits (and the reconcile upgrades, when dev is
 * applied); each cycle a few
 * entity pages are read over HTTP.
 *
 * Prints RSS, heap used, external memory and the caches' bytes 1 minute
 * after the first full cycle and at the end, and the ratio end/1 minute.
 * Under `node --expose-gc` it also collects garbage before each sample and
 * prints the heap that survives (what is retained, not yet-to-be-collected).
 *
 * `yarn bench memory` runs 2 minutes; `yarn bench memory --minutes 60` an
 * hour. MEMORY_BENCH_ENTITIES (default 200) and MEMORY_BENCH_CYCLE_SECONDS
 * (default 20: every loop's frequency) scale it. Needs PostgreSQL
 * (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING, 127.0.0.1:5432 by
 * default) and fails when it does not answer.
 */
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { GITOPS_ANNOTATION_RELEASE_SELECTOR } from '@backstage-gitops/plugin-gitops-common';
import { Knex } from 'knex';
import { mkdtemp, rm } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestRemote, TestRemote } from '../src/git/__testUtils__';
import { MemoryReport, readMemoryReport } from '../src/kernel';
import { gitopsPlugin } from '../src/plugin';
import { timed } from './benchTools';
import { startFixtures } from './memory/fixtures';
import {
  ENVIRONMENTS,
  imageOf,
  pushFleetRepository,
  RELEASES_PER_ENTITY,
  releaseFile,
  releaseNameOf,
  releasePath,
  serviceId,
  tagOf,
} from './memory/fleetRepository';
import { createScratchDatabase } from './postgresDatabase';

const ENTITIES = Number(process.env.MEMORY_BENCH_ENTITIES ?? 200);
const RELEASES = ENTITIES * RELEASES_PER_ENTITY;
const CYCLE_SECONDS = Number(process.env.MEMORY_BENCH_CYCLE_SECONDS ?? 20);
/** Tags per image no policy wants, so listings are as long as real ones. */
const OTHER_TAGS = 20;
/**
 * The environments the backend applies (MEMORY_BENCH_APPLY, e.g. `dev`);
 * the others' clusters are seeded as installed. None by default: applying
 * dev's 5,000 releases first did not finish in 18 minutes on a loaded
 * 2-core machine.
 */
const APPLIED = (process.env.MEMORY_BENCH_APPLY ?? '')
  .split(',')
  .map(env => env.trim())
  .filter(env => env !== '');
const COMMIT_EVERY_MS = 60_000;
const PUSH_EVERY_MS = 90_000;
const POLL_MS = 2_000;
const WARM_UP_LIMIT_MS = 45 * 60_000;
/** New builds go to the first entities' dev images; git edits to the last entities'. */
const PUSHED_ENTITIES = Math.max(1, Math.floor(ENTITIES / 4));

function minutesFromArgs(): number {
  const at = process.argv.indexOf('--minutes');
  const value = at >= 0 ? Number(process.argv[at + 1]) : 2;
  if (!(value >= 1)) throw new Error('--minutes wants a number of at least 1');
  return value;
}

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

function entityOf(entity: number): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: serviceId(entity),
      namespace: 'default',
      annotations: {
        [GITOPS_ANNOTATION_RELEASE_SELECTOR]: `app=${serviceId(entity)}`,
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-a',
    },
  };
}

type Sample = {
  label: string;
  atMinutes: number;
  report: MemoryReport;
  /** Heap used right after forced collections, under --expose-gc. */
  retainedHeapBytes?: number;
  rssAfterGcBytes?: number;
  fixturesRssBytes: number;
};

function takeSample(
  label: string,
  startedAt: number,
  fixturesRssBytes: number,
): Sample {
  const report = readMemoryReport();
  const sample: Sample = {
    label,
    atMinutes: (Date.now() - startedAt) / 60_000,
    report,
    fixturesRssBytes,
  };
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
    const usage = process.memoryUsage();
    sample.retainedHeapBytes = usage.heapUsed;
    sample.rssAfterGcBytes = usage.rss;
  }
  return sample;
}

function printSample(sample: Sample) {
  const { report } = sample;
  const caches = Object.entries(report.caches)
    .map(
      ([name, f]) =>
        `${name} ${mib(f.bytes)}/${mib(
          f.budgetBytes * Math.max(1, f.instances),
        )} MiB (${f.entries})`,
    )
    .join(', ');
  const gc =
    sample.retainedHeapBytes === undefined
      ? ''
      : `; after gc: heap ${mib(sample.retainedHeapBytes)} MiB, RSS ${mib(
          sample.rssAfterGcBytes!,
        )} MiB`;
  console.log(
    `  ${sample.label.padEnd(16)} RSS ${mib(
      report.rssBytes,
    )} MiB, heapUsed ${mib(report.heapUsedBytes)} MiB, external ${mib(
      report.externalBytes,
    )} MiB (arrayBuffers ${mib(report.arrayBuffersBytes)}), caches ${mib(
      report.cacheBytes,
    )} MiB${gc}`,
  );
  console.log(
    `  ${''.padEnd(16)} caches: ${caches}; fixtures process RSS ${mib(
      sample.fixturesRssBytes,
    )} MiB`,
  );
}

type Progress = {
  commit?: string;
  syncs: number;
  reconciles: number;
  scans: number;
  statuses: number;
  imageStatuses: number;
};

/** Counts the loops' runs from what they store, polled. */
class LoopWatch {
  readonly progress: Progress = {
    syncs: 0,
    reconciles: 0,
    scans: 0,
    statuses: 0,
    imageStatuses: 0,
  };
  private lastSynced?: string;
  private lastReconciled = new Map<string, string>();
  private lastScanned?: string;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly knex: Knex) {}

  start() {
    const tick = async () => {
      try {
        await this.poll();
      } catch (error) {
        console.error(`  (poll failed: ${String(error)})`);
      }
      if (!this.stopped) this.timer = setTimeout(tick, POLL_MS);
    };
    this.timer = setTimeout(tick, 0);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async poll() {
    const repo = await this.knex('gitops_repositories')
      .where({ id: 'fleet' })
      .first();
    const synced = repo?.last_synced_at
      ? String(repo.last_synced_at)
      : undefined;
    if (synced && synced !== this.lastSynced) {
      this.lastSynced = synced;
      this.progress.syncs++;
    }
    this.progress.commit = repo?.last_commit ?? undefined;
    for (const cluster of await this.knex('gitops_clusters').select(
      'name',
      'last_reconciled_at',
    )) {
      const at = cluster.last_reconciled_at
        ? String(cluster.last_reconciled_at)
        : undefined;
      if (at && at !== this.lastReconciled.get(cluster.name)) {
        this.lastReconciled.set(cluster.name, at);
        this.progress.reconciles++;
      }
    }
    const [{ n: statuses }] = await this.knex('gitops_release_status').count({
      n: '*',
    });
    this.progress.statuses = Number(statuses);
    const [scan] = await this.knex('gitops_image_status')
      .max({ at: 'checked_at' })
      .count({ n: '*' });
    this.progress.imageStatuses = Number(scan?.n ?? 0);
    const scanned = scan?.at ? String(scan.at) : undefined;
    if (scanned && scanned !== this.lastScanned) {
      this.lastScanned = scanned;
      this.progress.scans++;
    }
  }

  reconciledClusters(): number {
    return this.lastReconciled.size;
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

export async function run() {
  const minutes = minutesFromArgs();
  const root = await mkdtemp(path.join(os.tmpdir(), 'gitops-bench-memory-'));
  // Fails loudly, naming the server, when PostgreSQL does not answer.
  const database = await createScratchDatabase('memory');
  let remote: TestRemote | undefined;
  let fixtures: Awaited<ReturnType<typeof startFixtures>> | undefined;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  const watch = new LoopWatch(database.knex);
  try {
    console.log(
      `memory (${RELEASES} releases of ${ENTITIES} entities in ${
        ENVIRONMENTS.length
      } environments on PostgreSQL; the plugin's loops every ${CYCLE_SECONDS} s: git sync, image automation over ${ENTITIES} images in docker-registry, Helm reconcile on ${
        ENVIRONMENTS.length
      } simulated clusters in a child process (${
        APPLIED.length > 0
          ? `apply on ${APPLIED.join(', ')}, the others`
          : 'all'
      } seeded as installed); ${minutes} min)`,
    );
    const created = (build: number) =>
      new Date(Date.UTC(2024, 0, 1, 0, build)).toISOString();
    const [started, setupMs] = await timed(async () => {
      const fx = await startFixtures({
        type: 'start',
        clusters: ENVIRONMENTS.map(namespace =>
          APPLIED.includes(namespace)
            ? { namespace }
            : { namespace, seed: { entities: ENTITIES } },
        ),
        images: Array.from({ length: ENTITIES }, (_, e) => imageOf(e)),
        tags: ENVIRONMENTS.map(env => tagOf(env, 1)),
        created: created(1),
        otherTags: OTHER_TAGS,
      });
      const rem = await createTestRemote();
      await pushFleetRepository(rem, {
        entities: ENTITIES,
        registryHost: fx.registry.host,
        root,
      });
      return { fx, rem };
    });
    fixtures = started.fx;
    remote = started.rem;
    const registryHost = fixtures.registry.host;
    console.log(
      `  setup (fixtures process, ${ENTITIES} images, repository of ${RELEASES} files): ${(
        setupMs / 1000
      ).toFixed(0)} s`,
    );

    const schedule = {
      frequency: { seconds: CYCLE_SECONDS },
      timeout: { minutes: 30 },
      initialDelay: { seconds: 1 },
    };
    backend = await startTestBackend({
      features: [
        gitopsPlugin,
        schedulerServiceFactory,
        mockServices.rootLogger.factory({ level: 'warn' }),
        mockServices.database.factory({ knex: database.knex }),
        catalogServiceMock.factory({
          entities: Array.from({ length: ENTITIES }, (_, e) => entityOf(e)),
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: path.join(root, 'backend') },
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: ENVIRONMENTS.map((env, i) => ({
                    name: `cluster-${env}`,
                    url: fixtures!.clusters[i].url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: fixtures!.clusters[i].token,
                    skipTLSVerify: true,
                  })),
                },
              ],
            },
            gitops: {
              repositories: [
                { id: 'fleet', url: remote.url, branch: 'main', schedule },
              ],
              environments: ENVIRONMENTS.map((env, i) => ({
                name: env,
                repository: 'fleet',
                cluster: `cluster-${env}`,
                apply: APPLIED.includes(env),
                prune: false,
                order: i + 1,
              })),
              registries: [
                {
                  host: registryHost,
                  url: fixtures.registry.url,
                  concurrency: 4,
                },
              ],
              imageAutomation: { schedule },
              helmReconcile: { schedule },
              // The benchmark samples memory itself.
              caches: { reportMinutes: 0 },
            },
          },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;
    watch.start();

    // Warm-up: the first full sync, apply, install and scan of the fleet.
    const [, warmUpMs] = await timed(async () => {
      const limit = Date.now() + WARM_UP_LIMIT_MS;
      const head = await remote!.head();
      for (;;) {
        const p = watch.progress;
        if (
          p.commit === head &&
          watch.reconciledClusters() === ENVIRONMENTS.length &&
          p.statuses >= RELEASES &&
          p.imageStatuses >= RELEASES
        ) {
          return;
        }
        if (Date.now() > limit) {
          throw new Error(
            `the fleet did not settle within ${
              WARM_UP_LIMIT_MS / 60_000
            } minutes: ${JSON.stringify(p)}`,
          );
        }
        await sleep(POLL_MS);
      }
    });
    console.log(
      `  warm-up (first full sync, apply + install on every cluster, first scan): ${(
        warmUpMs / 1000
      ).toFixed(0)} s, loops so far ${JSON.stringify(watch.progress)}`,
    );

    // The measured run: changes in git and the registry, and page reads, on a clock.
    const startedAt = Date.now();
    const endAt = startedAt + minutes * 60_000;
    const atOneMinute = startedAt + 60_000;
    const samples: Sample[] = [];
    let commits = 0;
    let pushes = 0;
    let reads = 0;
    let readFailures = 0;
    let nextCommit = startedAt + COMMIT_EVERY_MS;
    let nextPush = startedAt + PUSH_EVERY_MS;
    let nextRead = startedAt;
    let nextProgress = startedAt + 5 * 60_000;
    let build = 1;
    const before = { ...watch.progress };
    while (Date.now() < endAt) {
      const now = Date.now();
      if (now >= nextCommit) {
        // A release of an entity whose image never moves: only its replicas change.
        const entity =
          ENTITIES - 1 - (commits % Math.max(1, ENTITIES - PUSHED_ENTITIES));
        const r = (commits * 7) % RELEASES_PER_ENTITY;
        // Image automation pushes to the same branch: like a person whose
        // push lost that race, commit again on the new head.
        for (let attempt = 1; ; attempt++) {
          try {
            await remote.commit(
              {
                [releasePath(entity, r)]: releaseFile(registryHost, entity, r, {
                  replicas: 3 + (commits % 5),
                }),
              },
              `Scale ${releaseNameOf(entity, r)}`,
            );
            break;
          } catch (error) {
            if (attempt >= 5 || !/cannot lock ref/.test(String(error)))
              throw error;
          }
        }
        commits++;
        nextCommit += COMMIT_EVERY_MS;
      }
      if (now >= nextPush) {
        // A new dev build of one image: automation moves its dev releases, the reconcile upgrades them.
        build++;
        await fixtures.push(
          imageOf(pushes % PUSHED_ENTITIES),
          tagOf('dev', build),
          created(build),
        );
        pushes++;
        nextPush += PUSH_EVERY_MS;
      }
      if (now >= nextRead) {
        for (let k = 0; k < 5; k++) {
          const entity = (reads * 5 + k) % ENTITIES;
          const response = await fetch(
            `${baseUrl}/api/gitops/releases?entityRef=${encodeURIComponent(
              `component:default/${serviceId(entity)}`,
            )}`,
            { headers: { authorization: mockCredentials.user.header() } },
          );
          await response.arrayBuffer();
          if (!response.ok) readFailures++;
        }
        reads++;
        nextRead += CYCLE_SECONDS * 1000;
      }
      if (samples.length === 0 && now >= atOneMinute) {
        samples.push(
          takeSample('after 1 minute', startedAt, await fixtures.rssBytes()),
        );
        printSample(samples[0]);
      }
      if (now >= nextProgress) {
        const s = takeSample(
          `at ${Math.round((now - startedAt) / 60_000)} min`,
          startedAt,
          await fixtures.rssBytes(),
        );
        printSample(s);
        nextProgress += 5 * 60_000;
      }
      await sleep(
        Math.max(
          0,
          Math.min(
            nextCommit,
            nextPush,
            nextRead,
            endAt,
            samples.length === 0 ? atOneMinute : endAt,
          ) - Date.now(),
        ),
      );
    }
    const end = takeSample(
      `after ${minutes} min`,
      startedAt,
      await fixtures.rssBytes(),
    );
    samples.push(end);
    printSample(end);

    const first = samples[0];
    const ratio = (pick: (s: Sample) => number | undefined) => {
      const a = pick(first);
      const b = pick(end);
      return a && b !== undefined ? (b / a).toFixed(2) : 'n/a';
    };
    console.log(
      `  ratio end/1 minute: RSS ${ratio(
        s => s.report.rssBytes,
      )}, heapUsed ${ratio(s => s.report.heapUsedBytes)}, external ${ratio(
        s => s.report.externalBytes,
      )}, caches ${ratio(s => s.report.cacheBytes)}${
        first.retainedHeapBytes === undefined
          ? ' (run under node --expose-gc for the retained heap)'
          : `, retained heap ${ratio(
              s => s.retainedHeapBytes,
            )}, RSS after gc ${ratio(s => s.rssAfterGcBytes)}`
      }`,
    );
    // The loops kept running: the last change reached the store.
    await sleep(Math.min(3 * CYCLE_SECONDS * 1000, 90_000));
    const head = await remote.head();
    const p = watch.progress;
    console.log(
      `  during the run: ${p.syncs - before.syncs} syncs, ${
        p.scans - before.scans
      } automation runs, ${
        p.reconciles - before.reconciles
      } cluster reconciles; ${commits} commits and ${pushes} image pushes by the benchmark, ${
        reads * 5
      } entity reads (${readFailures} failed); store at the remote's head: ${
        p.commit === head ? 'yes' : `no (${p.commit} vs ${head})`
      }`,
    );
    if (readFailures > 0)
      throw new Error(`${readFailures} entity reads failed`);
  } finally {
    watch.stop();
    await backend?.stop();
    await fixtures?.stop();
    await remote?.remove();
    await database.drop();
    await rm(root, { recursive: true, force: true, maxRetries: 5 });
  }
}

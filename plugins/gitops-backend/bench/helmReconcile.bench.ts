/*
 * Helm reconciliation at fleet size: a generated config repository with
 * 2,000 HelmReleases (helm.fluxcd.io/v1, one git chart) in 3 environments,
 * each on a simulated cluster of its own (dev -> cluster-a, stg -> cluster-b,
 * prod -> cluster-c, all `apply: true`), 10 namespaces per cluster. Per
 * cluster and in total it prints:
 *
 * 1. the first cycle (apply everything, the simulated operator installs);
 * 2. the steady cycle, nothing changed: time, requests, requests per
 *    namespace. In the same run, the same for a fleet a quarter the size
 *    (500 releases, the same namespaces), and the ratios: the requests must
 *    not depend on the number of releases;
 * 3. the cycle after one release's values changed in git;
 * 4. the cycle after a chart bump (0.1.0 -> 0.1.1), which upgrades every
 *    release, then checks every release's stored Helm history.
 *
 * Requests are counted by the Kubernetes API doubles; writes are everything
 * but GETs. Times are ClusterReconciler.run() per cluster, clusters one after
 * another; the doubles (and their simulated Helm operators, acting inside the
 * write that triggers them) run in this process, so their work is in the
 * times too. The git sync before each cycle is timed on its own.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  KubernetesDouble,
  kubeConfigFor,
  startKubernetesDouble,
} from '@backstage-gitops/kubernetes-double';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubernetesCluster } from '../src/cluster/KubernetesCluster';
import { EnvironmentConfig } from '../src/config/GitopsConfig';
import { DatabaseGitopsStore } from '../src/database/DatabaseGitopsStore';
import { CliGitRepository } from '../src/git';
import { createTestRemote, TestRemote } from '../src/git/__testUtils__';
import { createMemoryStore, testRepositoryConfig } from '../src/__testUtils__/memoryStore';
import { ClusterReconciler } from '../src/reconcile/ClusterReconciler';
import { RepositorySync } from '../src/sync/RepositorySync';

const execFileAsync = promisify(execFile);
const RELEASES = 2000;
const QUARTER = RELEASES / 4;
const NAMESPACES = 10;
const CLUSTERS = [
  { environment: 'dev', cluster: 'cluster-a' },
  { environment: 'stg', cluster: 'cluster-b' },
  { environment: 'prod', cluster: 'cluster-c' },
];
const ROUNDS = 3;
/** The plugin's default `helmReconcile.gracePeriod`. */
const GRACE_PERIOD_MS = 2 * 60 * 1000;
/** Releases whose values change in step 3, one per round: all in dev. */
const CHANGED = [3, 6, 9];

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const git = (cwd: string, ...args: string[]) =>
  execFileAsync('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return [result, Number(process.hrtime.bigint() - started) / 1e6];
}

const environmentOf = (i: number) => CLUSTERS[i % CLUSTERS.length].environment;
const namespaceOf = (i: number) =>
  `team-${Math.floor(i / CLUSTERS.length) % NAMESPACES}`;
const releasePath = (i: number) => `releases/${environmentOf(i)}/app-${i}.yaml`;

function release(i: number, replicas: number) {
  const env = environmentOf(i);
  return `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: app-${i}
  namespace: ${namespaceOf(i)}
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/chart-image: glob:${env}-*
  labels:
    app: app-${i}
spec:
  releaseName: app-${i}
  chart:
    git: git@example.com:org/config
    path: charts/app
    ref: main
  values:
    image:
      repository: example/app-${i}
      tag: ${env}-0001
    replicaCount: ${replicas}
`;
}

const chart = (version: string) =>
  `apiVersion: v1\nname: app\ndescription: The fleet's one chart\nversion: ${version}\nappVersion: 1.0.0\n`;

const TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`;

const namespaceManifest = (name: string) =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

/** Writes the repository into a work tree and pushes it: one git process per step, not per file. */
async function pushConfigRepository(remote: TestRemote, releases: number, root: string) {
  const work = await mkdtemp(path.join(root, 'work-'));
  const put = async (file: string, content: string) => {
    await mkdir(path.dirname(path.join(work, file)), { recursive: true });
    await writeFile(path.join(work, file), content);
  };
  await put('charts/app/Chart.yaml', chart('0.1.0'));
  await put('charts/app/templates/deployment.yaml', TEMPLATE);
  for (let n = 0; n < NAMESPACES; n++) {
    await put(`namespaces/team-${n}.yaml`, namespaceManifest(`team-${n}`));
  }
  for (let i = 0; i < releases; i++) await put(releasePath(i), release(i, 2));
  await git(work, 'init', '-q', '-b', 'main');
  await git(work, 'add', '-A');
  await git(work, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'Generate the fleet');
  await git(work, 'push', '-q', remote.path, 'main');
  await rm(work, { recursive: true, force: true });
}

type Cluster = {
  name: string;
  environment: string;
  releases: number;
  double: KubernetesDouble;
  reconciler: ClusterReconciler;
};

type Fleet = {
  releases: number;
  remote: TestRemote;
  store: DatabaseGitopsStore;
  sync: RepositorySync;
  clusters: Cluster[];
  close(): Promise<void>;
};

async function createFleet(releases: number, root: string): Promise<Fleet> {
  const remote = await createTestRemote();
  await pushConfigRepository(remote, releases, root);
  const workDir = await mkdtemp(path.join(root, `fleet-${releases}-`));
  const logger = mockServices.rootLogger({ level: 'warn' });
  const { knex, store } = await createMemoryStore();
  const repository = testRepositoryConfig(remote.url);
  const environments: EnvironmentConfig[] = CLUSTERS.map((c, i) => ({
    name: c.environment,
    repository: 'config',
    path: `releases/${c.environment}`,
    cluster: c.cluster,
    order: i + 1,
    apply: true,
    prune: false,
  }));
  const mirror = (loop: string) =>
    CliGitRepository.create({
      id: 'config',
      remote: repository,
      workDir: path.join(workDir, loop),
      logger,
    });
  const sync = new RepositorySync({
    repository,
    environments,
    git: mirror('sync'),
    store,
    logger,
  });
  // One reconcile mirror per repository, shared by the clusters, as the plugin wires it.
  const reconcileGit = mirror('reconcile');
  // Each environment has a cluster of its own and owns every team namespace there.
  const teamNamespaces = Array.from({ length: NAMESPACES }, (_, n) => `team-${n}`);
  const settings = new Map(
    environments.map(env => [env.name, { apply: true, prune: false, namespaces: teamNamespaces }]),
  );
  const clusters: Cluster[] = [];
  for (const { environment, cluster } of CLUSTERS) {
    const double = await startKubernetesDouble({ operatorDelayMs: 0 });
    clusters.push({
      name: cluster,
      environment,
      releases: Array.from({ length: releases }, (_, i) => i).filter(
        i => environmentOf(i) === environment,
      ).length,
      double,
      reconciler: new ClusterReconciler({
        cluster,
        api: new KubernetesCluster(kubeConfigFor(double)),
        settings,
        gitFor: () => reconcileGit,
        store,
        logger,
        gracePeriodMs: GRACE_PERIOD_MS,
      }),
    });
  }
  await store.ensureClusters(CLUSTERS.map(c => ({ name: c.cluster })));
  return {
    releases,
    remote,
    store,
    sync,
    clusters,
    async close() {
      for (const cluster of clusters) await cluster.double.stop();
      await knex.destroy();
      await remote.remove();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

type ClusterFigures = {
  ms: number;
  requests: number;
  writes: number;
  /** Statuses stored (inserted or changed) by the cycle. */
  changed: number;
  applied: number;
  byRoute: Record<string, number>;
};

type CycleFigures = { syncMs: number; clusters: ClusterFigures[] };

/** Git sync, then one reconcile per cluster, one after another. */
async function cycle(fleet: Fleet): Promise<CycleFigures> {
  const [synced, syncMs] = await timed(() => fleet.sync.run());
  if (synced.status === 'failed') throw new Error(`git sync failed: ${synced.error}`);
  const clusters: ClusterFigures[] = [];
  for (const cluster of fleet.clusters) {
    cluster.double.resetRequests();
    const [outcome, ms] = await timed(() => cluster.reconciler.run());
    if (outcome.status !== 'reconciled') {
      throw new Error(`${cluster.name} did not reconcile: ${outcome.error}`);
    }
    const { total, byRoute } = cluster.double.requests();
    const writes = Object.entries(byRoute)
      .filter(([route]) => !route.startsWith('GET '))
      .reduce((sum, [, n]) => sum + n, 0);
    clusters.push({
      ms,
      requests: total,
      writes,
      changed: outcome.changed,
      applied: outcome.applied,
      byRoute,
    });
  }
  return { syncMs, clusters };
}

/**
 * Per cluster, the median of each figure over rounds (requests never differ
 * between rounds here). A total's time is the median of the rounds' totals,
 * not a sum of medians: callers pass it to printTable.
 */
function medianOf(rounds: CycleFigures[]): CycleFigures {
  const pick = (f: (c: CycleFigures) => number) => median(rounds.map(f));
  return {
    syncMs: pick(r => r.syncMs),
    clusters: rounds[0].clusters.map((first, i) => ({
      ms: pick(r => r.clusters[i].ms),
      requests: pick(r => r.clusters[i].requests),
      writes: pick(r => r.clusters[i].writes),
      changed: pick(r => r.clusters[i].changed),
      applied: pick(r => r.clusters[i].applied),
      byRoute: first.byRoute,
    })),
  };
}

const totalMs = (figures: CycleFigures) =>
  figures.clusters.reduce((sum, c) => sum + c.ms, 0);
const totalOf = (figures: CycleFigures, field: 'requests' | 'writes' | 'changed' | 'applied') =>
  figures.clusters.reduce((sum, c) => sum + c[field], 0);

const pad = (value: string | number, width: number) => String(value).padStart(width);

function printTable(
  fleet: Fleet,
  figures: CycleFigures,
  options: { total?: number; perNamespace?: boolean } = {},
) {
  const header = `    ${'cluster'.padEnd(10)}${pad('releases', 9)}${pad('time ms', 9)}${pad('requests', 10)}${pad('writes', 8)}${options.perNamespace ? pad('per ns', 8) : ''}${pad('statuses', 10)}`;
  console.log(header);
  const row = (name: string, releases: number, ms: number, c: Omit<ClusterFigures, 'ms' | 'byRoute'>, namespaces: number) =>
    console.log(
      `    ${name.padEnd(10)}${pad(releases, 9)}${pad(ms.toFixed(0), 9)}${pad(c.requests, 10)}${pad(c.writes, 8)}${
        options.perNamespace ? pad((c.requests / namespaces).toFixed(2), 8) : ''
      }${pad(c.changed, 10)}`,
    );
  fleet.clusters.forEach((cluster, i) =>
    row(cluster.name, cluster.releases, figures.clusters[i].ms, figures.clusters[i], NAMESPACES),
  );
  row(
    'total',
    fleet.releases,
    options.total ?? totalMs(figures),
    {
      requests: totalOf(figures, 'requests'),
      writes: totalOf(figures, 'writes'),
      changed: totalOf(figures, 'changed'),
      applied: totalOf(figures, 'applied'),
    },
    NAMESPACES * fleet.clusters.length,
  );
}

const routes = (byRoute: Record<string, number>) =>
  Object.entries(byRoute)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([route, n]) => `${n} x ${route}`)
    .join(', ');

/** Every release's stored history: newest first, as the API lists it. */
async function histories(fleet: Fleet) {
  const all = await fleet.store.releasesFromPaths('config', 'all');
  const result = new Map<string, Array<{ revision: number; status: string; chartVersion?: string }>>();
  for (const r of all) {
    const record = await fleet.store.getHelmHistory({
      environment: r.environment,
      namespace: r.namespace,
      name: r.name,
    });
    result.set(r.name, record?.revisions ?? []);
  }
  return result;
}

export async function run() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gitops-bench-helm-'));
  const fleets: Fleet[] = [];
  try {
    const [fleet, setupMs] = await timed(() => createFleet(RELEASES, root));
    fleets.push(fleet);
    const quarter = await createFleet(QUARTER, root);
    fleets.push(quarter);

    console.log(
      `helm reconcile (${RELEASES} HelmReleases helm.fluxcd.io/v1, ${CLUSTERS.length} simulated clusters x ${NAMESPACES} namespaces, apply on; doubles in this process)`,
    );
    console.log(`  setup (generate + push the repository, start the doubles): ${setupMs.toFixed(0)} ms`);

    // 1. First cycle.
    const first = await cycle(fleet);
    console.log(`  1. first cycle, apply everything + install (git sync before it: ${first.syncMs.toFixed(0)} ms)`);
    printTable(fleet, first);
    console.log(`     writes by route, cluster-a: ${routes(Object.fromEntries(Object.entries(first.clusters[0].byRoute).filter(([r]) => !r.startsWith('GET '))))}`);
    const quarterFirst = await cycle(quarter);

    // 2. Steady cycle, both fleets, rounds interleaved so noise hits both alike.
    const steadyRounds: CycleFigures[] = [];
    const quarterRounds: CycleFigures[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      steadyRounds.push(await cycle(fleet));
      quarterRounds.push(await cycle(quarter));
    }
    const steady = medianOf(steadyRounds);
    const steadyQuarter = medianOf(quarterRounds);
    const steadyTotal = median(steadyRounds.map(totalMs));
    const quarterTotal = median(quarterRounds.map(totalMs));
    console.log(`  2. steady cycle, nothing changed: median of ${ROUNDS} rounds (git sync before it: ${steady.syncMs.toFixed(0)} ms; totals ${steadyRounds.map(r => totalMs(r).toFixed(0)).join(', ')} ms)`);
    printTable(fleet, steady, { total: steadyTotal, perNamespace: true });
    console.log(`     requests by route, cluster-a: ${routes(steady.clusters[0].byRoute)}`);
    console.log(`   same, fleet a quarter the size (${QUARTER} releases, same namespaces; its first cycle took ${totalMs(quarterFirst).toFixed(0)} ms; totals ${quarterRounds.map(r => totalMs(r).toFixed(0)).join(', ')} ms)`);
    printTable(quarter, steadyQuarter, { total: quarterTotal, perNamespace: true });
    const requestsBig = totalOf(steady, 'requests');
    const requestsQuarter = totalOf(steadyQuarter, 'requests');
    console.log(
      `   ratio ${RELEASES}/${QUARTER}: requests ${requestsBig}/${requestsQuarter} = ${(requestsBig / requestsQuarter).toFixed(2)} (target 1.00), ` +
        `per namespace ${(requestsBig / (NAMESPACES * CLUSTERS.length)).toFixed(2)} vs ${(requestsQuarter / (NAMESPACES * CLUSTERS.length)).toFixed(2)}, ` +
        `cycle time ${steadyTotal.toFixed(0)}/${quarterTotal.toFixed(0)} ms = ${(steadyTotal / quarterTotal).toFixed(2)} (releases x${(RELEASES / QUARTER).toFixed(2)})`,
    );

    // 3. One release's values changed in git, one per round, all in dev.
    const changeRounds: CycleFigures[] = [];
    for (const i of CHANGED) {
      await fleet.remote.commit({ [releasePath(i)]: release(i, 3) }, `Scale app-${i}`);
      changeRounds.push(await cycle(fleet));
    }
    const changed = medianOf(changeRounds);
    console.log(`  3. one release changed in git (replicaCount of app-${CHANGED.join('/')}, dev, one per round): median of ${ROUNDS} (git sync before it: ${changed.syncMs.toFixed(0)} ms)`);
    printTable(fleet, changed, { total: median(changeRounds.map(totalMs)), perNamespace: true });
    console.log(`     writes by route, cluster-a: ${routes(Object.fromEntries(Object.entries(changed.clusters[0].byRoute).filter(([r]) => !r.startsWith('GET '))))}`);

    // 4. Chart bump: every release is upgraded.
    await fleet.remote.commit({ 'charts/app/Chart.yaml': chart('0.1.1') }, 'Bump the chart to 0.1.1');
    const bump = await cycle(fleet);
    console.log(`  4. chart bump 0.1.0 -> 0.1.1 (git sync before it: ${bump.syncMs.toFixed(0)} ms)`);
    printTable(fleet, bump);
    console.log(`     writes by route, cluster-a: ${routes(Object.fromEntries(Object.entries(bump.clusters[0].byRoute).filter(([r]) => !r.startsWith('GET '))))}`);

    const stored = await histories(fleet);
    const counts = new Map<number, number>();
    const wrong: string[] = [];
    for (let i = 0; i < RELEASES; i++) {
      const revisions = stored.get(`app-${i}`) ?? [];
      counts.set(revisions.length, (counts.get(revisions.length) ?? 0) + 1);
      // Install, the values change of step 3 for those releases, the chart bump.
      const expected = CHANGED.includes(i) ? 3 : 2;
      const [newest, previous] = revisions;
      if (
        revisions.length !== expected ||
        newest.status !== 'deployed' ||
        newest.chartVersion !== '0.1.1' ||
        previous.status !== 'superseded'
      ) {
        wrong.push(`app-${i}: ${revisions.map(r => `${r.revision} ${r.status} ${r.chartVersion}`).join(', ') || 'no history'}`);
      }
    }
    const summary = [...counts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([n, releases]) => `${releases} with ${n}`)
      .join(', ');
    console.log(
      `     stored Helm histories: ${summary} revisions (expected ${RELEASES - CHANGED.length} with 2, the ${CHANGED.length} changed in step 3 with 3); newest 0.1.1 deployed: ${wrong.length === 0 ? 'all' : `${RELEASES - wrong.length}`}`,
    );
    if (wrong.length > 0) {
      throw new Error(
        `${wrong.length} releases lack the chart bump's revision, e.g. ${wrong.slice(0, 3).join('; ')}`,
      );
    }

    // The steady cycle again, now that Helm keeps 2 revisions per release.
    const afterRounds: CycleFigures[] = [];
    for (let round = 0; round < ROUNDS; round++) afterRounds.push(await cycle(fleet));
    const after = medianOf(afterRounds);
    const afterTotal = median(afterRounds.map(totalMs));
    console.log(
      `  steady cycle after the bump (2 Helm revisions per release): ${afterTotal.toFixed(0)} ms, ${totalOf(after, 'requests')} requests, ${totalOf(after, 'writes')} writes, ${totalOf(after, 'changed')} statuses (median of ${ROUNDS}; x${(afterTotal / steadyTotal).toFixed(2)} the time with 1 revision)`,
    );
  } finally {
    for (const fleet of fleets) await fleet.close();
    await rm(root, { recursive: true, force: true });
  }
}

// A fleet for the helm benchmark: the generated repository, one store, git
// sync, and per environment a simulated cluster with its reconciler, wired
// as the plugin wires them.
import { mockServices } from '@backstage/backend-test-utils';
import {
  KubernetesDouble,
  kubeConfigFor,
  startKubernetesDouble,
} from '@backstage-gitops/kubernetes-double';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { KubernetesCluster } from '../../src/cluster/KubernetesCluster';
import { EnvironmentConfig } from '../../src/config/GitopsConfig';
import { ClusterStateStore } from '../../src/database/ClusterStateStore';
import { SyncStateStore } from '../../src/database/SyncStateStore';
import { createTestRemote, TestRemote } from '../../src/git/__testUtils__';
import {
  createMemoryStore,
  testRepositoryConfig,
} from '../../src/__testUtils__/memoryStore';
import { ClusterReconciler } from '../../src/reconcile/ClusterReconciler';
import { wireRepositoryLoops } from '../../src/reconcile/__testUtils__/reconcileFixture';
import { RepositorySync } from '../../src/sync/RepositorySync';
import {
  CLUSTERS,
  environmentOf,
  pushConfigRepository,
  TEAM_NAMESPACES,
} from './fleetRepository';

/** The plugin's default `helmReconcile.gracePeriod`. */
const GRACE_PERIOD_MS = 2 * 60 * 1000;

export type Cluster = {
  name: string;
  environment: string;
  releases: number;
  double: KubernetesDouble;
  reconciler: ClusterReconciler;
};

export type Fleet = {
  releases: number;
  remote: TestRemote;
  syncStateStore: SyncStateStore;
  clusterStateStore: ClusterStateStore;
  sync: RepositorySync;
  clusters: Cluster[];
  close(): Promise<void>;
};

export async function createFleet(
  releases: number,
  root: string,
): Promise<Fleet> {
  const remote = await createTestRemote();
  await pushConfigRepository(remote, releases, root);
  const workDir = await mkdtemp(path.join(root, `fleet-${releases}-`));
  const logger = mockServices.rootLogger({ level: 'warn' });
  const { knex, syncStateStore, clusterStateStore, eventStore } =
    await createMemoryStore();
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
  // One reconcile mirror per repository, shared by the clusters, as the plugin wires it.
  const { sync, reconcileGit } = wireRepositoryLoops({
    repository,
    environments,
    workDir,
    syncStateStore,
    logger,
  });
  // Each environment has a cluster of its own and owns every team namespace there.
  const settings = new Map(
    environments.map(env => [
      env.name,
      { apply: true, prune: false, namespaces: TEAM_NAMESPACES },
    ]),
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
        syncStateStore,
        clusterStateStore,
        eventStore,
        logger,
        gracePeriodMs: GRACE_PERIOD_MS,
      }),
    });
  }
  await clusterStateStore.ensureClusters(
    CLUSTERS.map(c => ({ name: c.cluster })),
  );
  return {
    releases,
    remote,
    syncStateStore,
    clusterStateStore,
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

/** Every release's stored history: newest first, as the API lists it. */
export async function histories(fleet: Fleet) {
  const all = await fleet.syncStateStore.releasesFromPaths('config', 'all');
  const result = new Map<
    string,
    Array<{ revision: number; status: string; chartVersion?: string }>
  >();
  for (const r of all) {
    const record = await fleet.clusterStateStore.getHelmHistory({
      environment: r.environment,
      namespace: r.namespace,
      name: r.name,
    });
    result.set(r.name, record?.revisions ?? []);
  }
  return result;
}

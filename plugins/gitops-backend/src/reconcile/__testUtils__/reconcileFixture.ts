import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  KubernetesDouble,
  KubernetesDoubleOptions,
  kubeConfigFor,
  startKubernetesDouble,
} from '@backstage-gitops/kubernetes-double';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KubernetesCluster } from '../../cluster/KubernetesCluster';
import { EnvironmentConfig } from '../../config/GitopsConfig';
import { ClusterStateStore } from '../../database/ClusterStateStore';
import { EventStore } from '../../database/EventStore';
import { SyncStateStore } from '../../database/SyncStateStore';
import { CliGitRepository } from '../../git';
import { GitopsMetrics, meterClusterApi } from '../../metrics';
import {
  createTestRemote,
  TestFiles,
  TestRemote,
} from '../../git/__testUtils__';
import { RepositorySync } from '../../sync/RepositorySync';
import {
  createMemoryStore,
  testRepositoryConfig,
} from '../../__testUtils__/memoryStore';
import {
  ClusterEnvironmentSettings,
  ClusterReconciler,
} from '../ClusterReconciler';

/**
 * A config repository, the stores, a simulated cluster and the two loops that
 * connect them: git sync and the cluster's reconciler, as the plugin wires them.
 */
export type ReconcileFixture = {
  remote: TestRemote;
  syncStateStore: SyncStateStore;
  clusterStateStore: ClusterStateStore;
  eventStore: EventStore;
  double: KubernetesDouble;
  sync: RepositorySync;
  reconciler: ClusterReconciler;
  /** Commits, syncs and runs one reconcile cycle. */
  push(files: TestFiles): Promise<void>;
  /** Syncs git, then reconciles once. */
  cycle(): ReturnType<ClusterReconciler['run']>;
  close(): Promise<void>;
};

/**
 * Git sync and the one reconcile mirror its clusters share, each loop in a
 * work directory of its own, as the plugin wires them per repository.
 */
export function wireRepositoryLoops(options: {
  repository: ReturnType<typeof testRepositoryConfig>;
  environments: EnvironmentConfig[];
  workDir: string;
  syncStateStore: SyncStateStore;
  logger: LoggerService;
  metrics?: GitopsMetrics;
}): { sync: RepositorySync; reconcileGit: CliGitRepository } {
  const { repository, workDir, logger } = options;
  const mirror = (loop: string) =>
    CliGitRepository.create({
      id: 'config',
      remote: repository,
      workDir: path.join(workDir, loop),
      logger,
    });
  const sync = new RepositorySync({
    repository,
    environments: options.environments,
    git: mirror('sync'),
    syncStateStore: options.syncStateStore,
    logger,
    metrics: options.metrics,
  });
  return { sync, reconcileGit: mirror('reconcile') };
}

export async function createReconcileFixture(options: {
  files: TestFiles;
  environments: string[];
  prune?: boolean;
  apply?: boolean;
  gracePeriodMs?: number;
  double?: KubernetesDoubleOptions;
  /** Namespaces, kinds and prune guard per environment, as config would give them. */
  settings?: Record<string, Partial<ClusterEnvironmentSettings>>;
  /** Measures both loops and the cluster client's calls, as the plugin wires them. */
  metrics?: GitopsMetrics;
}): Promise<ReconcileFixture> {
  const logger = mockServices.logger.mock();
  const remote = await createTestRemote();
  await remote.commit(options.files, 'Import the config repository');
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-reconcile-'));
  const { knex, syncStateStore, clusterStateStore, eventStore } =
    await createMemoryStore();
  const double = await startKubernetesDouble(options.double);
  const repository = testRepositoryConfig(remote.url);
  const apply = options.apply ?? true;
  const prune = options.prune ?? false;
  const environments: EnvironmentConfig[] = options.environments.map(
    (name, i) => ({
      name,
      repository: 'config',
      path: `releases/${name}`,
      cluster: 'demo',
      order: i + 1,
      apply,
      prune,
    }),
  );
  const { sync, reconcileGit } = wireRepositoryLoops({
    repository,
    environments,
    workDir,
    syncStateStore,
    logger,
    metrics: options.metrics,
  });
  const client = new KubernetesCluster(kubeConfigFor(double));
  const reconciler = new ClusterReconciler({
    cluster: 'demo',
    api: options.metrics
      ? meterClusterApi(client, 'demo', options.metrics)
      : client,
    settings: new Map(
      environments.map(env => [
        env.name,
        { apply, prune, ...options.settings?.[env.name] },
      ]),
    ),
    gitFor: () => reconcileGit,
    syncStateStore,
    clusterStateStore,
    eventStore,
    logger,
    gracePeriodMs: options.gracePeriodMs ?? 0,
    metrics: options.metrics,
  });
  await clusterStateStore.ensureClusters([
    { name: 'demo', title: 'demo (simulated)' },
  ]);

  const cycle = async () => {
    await sync.run();
    return reconciler.run();
  };
  return {
    remote,
    syncStateStore,
    clusterStateStore,
    eventStore,
    double,
    sync,
    reconciler,
    cycle,
    async push(files) {
      await remote.commit(files);
      await cycle();
    },
    async close() {
      await double.stop();
      await knex.destroy();
      await remote.remove();
      await fs.rm(workDir, { recursive: true, force: true });
    },
  };
}

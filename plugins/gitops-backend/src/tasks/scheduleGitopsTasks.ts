import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import path from 'node:path';
import { RepositoryWriter, WriterFor } from '../actions';
import {
  AutomationScheduler,
  ImageAutomation,
  ImageScanTrigger,
} from '../automation';
import { ChartUpdates, HelmIndexClient, OciChartClient } from '../charts';
import { ClusterConfig, KubernetesCluster } from '../cluster';
import { GitopsConfig, HelmRepositoryConfig } from '../config';
import { GitopsStores } from '../database';
import { CliGitRepository, ensurePrivateDirectory } from '../git';
import { GitopsMetrics, meterClusterApi } from '../metrics';
import {
  ClusterReconciler,
  ReconcileScheduler,
  ReconcileTrigger,
} from '../reconcile';
import {
  ImageMetadataCache,
  ImageScanner,
  RegistryConfig,
  RegistryPolicy,
} from '../registry';
import { RepositorySync, SyncScheduler, SyncTrigger } from '../sync';

/**
 * Schedules the loops: per repository git sync, and image automation unless
 * it is turned off; per cluster helm reconciliation. Each loop gets git
 * mirrors of its own, so automation's commits never race the other reads.
 * The release actions (promote, lock) get writers on mirrors of their own
 * too, which ask git sync to run after each push.
 */
export async function scheduleGitopsTasks(options: {
  gitops: GitopsConfig;
  clusters: ClusterConfig[];
  registries: RegistryConfig[];
  /** Which registry hosts image references may name; the defaults when unset. */
  registryPolicy?: RegistryPolicy;
  /** The Helm repositories (https index) chart updates may read; none when unset. */
  helmRepositories?: HelmRepositoryConfig[];
  imageCache: ImageMetadataCache;
  stores: GitopsStores;
  scheduler: SchedulerService;
  logger: LoggerService;
  /** Parent folder of the git mirrors; created private (0700), refused when not this process's own. */
  workDir: string;
  /** Aborted when the backend stops: runs started by triggers stop too. */
  stopSignal?: AbortSignal;
  /** Called after a sync that changed something, once its clusters are triggered. */
  afterChangedSync?: (repositoryId: string) => Promise<void>;
  /** Where the loops' durations, commits and requests are measured; nowhere when unset. */
  metrics?: GitopsMetrics;
}): Promise<{
  sync: SyncTrigger;
  reconcile: ReconcileTrigger;
  writers: WriterFor;
  /** Scans named images now; does nothing when image automation is off. */
  automation: ImageScanTrigger;
}> {
  const { gitops, stores, scheduler, logger, workDir, metrics } = options;
  const { syncStateStore, imageStatusStore, clusterStateStore, eventStore } =
    stores;
  // Refused at start, with the folder named, rather than at each loop's first run.
  if (gitops.repositories.length > 0) await ensurePrivateDirectory(workDir);
  const mirror = (
    loop: string,
    repository: GitopsConfig['repositories'][number],
  ) =>
    CliGitRepository.create({
      id: repository.id,
      remote: repository,
      workDir: path.join(workDir, loop),
      logger,
    });

  const reconcileMirrors = new Map(
    gitops.repositories.map(repository => [
      repository.id,
      mirror('reconcile', repository),
    ]),
  );
  const settings = new Map(
    gitops.environments.map(env => [
      env.name,
      {
        apply: env.apply,
        prune: env.prune,
        namespaces: env.namespaces,
        clusterScopedKinds: env.clusterScopedKinds,
        pruneGuard: env.pruneGuard,
      },
    ]),
  );
  const clusters = new Map(
    options.clusters.map(cluster => {
      const client = KubernetesCluster.fromConfig(cluster);
      const api = metrics
        ? meterClusterApi(client, cluster.name, metrics)
        : client;
      const reconciler = new ClusterReconciler({
        cluster: cluster.name,
        api,
        settings,
        gitFor: id => {
          const git = reconcileMirrors.get(id);
          if (!git)
            throw new Error(`No gitops repository "${id}" is configured`);
          return git;
        },
        syncStateStore,
        clusterStateStore,
        eventStore,
        logger: logger.child({ cluster: cluster.name }),
        gracePeriodMs: gitops.helmReconcile.gracePeriodMs,
        metrics,
      });
      return [cluster.name, { api, reconciler }];
    }),
  );
  const reconcileScheduler = new ReconcileScheduler({
    scheduler,
    schedule: gitops.helmReconcile.schedule,
    clusters,
    clusterStateStore,
    logger,
    stopSignal: options.stopSignal,
  });
  await reconcileScheduler.schedule(
    new Map(options.clusters.map(c => [c.name, c.title])),
  );
  // A sync that changed something is applied at once, not at the next tick.
  const clustersOf = (repositoryId: string) => [
    ...new Set(
      gitops.environments
        .filter(env => env.repository === repositoryId && env.cluster)
        .map(env => env.cluster!),
    ),
  ];

  const syncScheduler = new SyncScheduler({
    scheduler,
    repositories: gitops.repositories,
    logger,
    stopSignal: options.stopSignal,
  });
  await syncScheduler.schedule(
    new Map(
      gitops.repositories.map(repository => [
        repository.id,
        new RepositorySync({
          repository,
          environments: gitops.environments,
          git: mirror('sync', repository),
          syncStateStore,
          logger: logger.child({ repository: repository.id }),
          metrics,
        }),
      ]),
    ),
    async repositoryId => {
      for (const cluster of clustersOf(repositoryId)) {
        await reconcileScheduler.trigger(cluster);
      }
      await options.afterChangedSync?.(repositoryId);
    },
  );

  const automationScheduler = new AutomationScheduler({
    scheduler,
    schedule: gitops.imageAutomation.schedule,
    logger,
    stopSignal: options.stopSignal,
  });
  if (gitops.imageAutomation.enabled) {
    const automations = new Map<string, ImageAutomation>();
    const images = new ImageScanner({
      registries: options.registries,
      policy: options.registryPolicy,
      cache: options.imageCache,
      logger,
      metrics,
    });
    for (const repository of gitops.repositories) {
      const automation = new ImageAutomation({
        repository,
        git: mirror('automation', repository),
        syncStateStore,
        imageStatusStore,
        eventStore,
        images,
        logger: logger.child({ repository: repository.id }),
        afterPush: async () => {
          await syncScheduler.trigger(repository.id);
        },
        // Where Flux automates, its ImagePolicies are read in the environment's cluster.
        clusterFor: environment => {
          const name = gitops.environments.find(
            env => env.name === environment && env.repository === repository.id,
          )?.cluster;
          const cluster = name ? clusters.get(name) : undefined;
          return name && cluster ? { name, api: cluster.api } : undefined;
        },
        metrics,
      });
      automations.set(repository.id, automation);
    }
    await automationScheduler.schedule(automations);
  }
  // Chart updates: a step of its own per repository, on image automation's
  // schedule, also when image automation is off (it only reads and reports).
  const charts = {
    helm: new HelmIndexClient(options.helmRepositories ?? []),
    oci: new OciChartClient({
      registries: options.registries,
      policy: options.registryPolicy,
      logger,
      metrics,
    }),
  };
  for (const repository of gitops.repositories) {
    const chartUpdates = new ChartUpdates({
      repository,
      syncStateStore,
      chartStatusStore: stores.chartStatusStore,
      ...charts,
      logger: logger.child({ repository: repository.id }),
    });
    await scheduler.scheduleTask({
      id: `gitops-chart-updates:${repository.id}`,
      scope: 'global',
      ...gitops.imageAutomation.schedule,
      fn: async abortSignal => {
        await chartUpdates.run(abortSignal);
      },
    });
  }
  const writers = new Map(
    gitops.repositories.map(repository => [
      repository.id,
      new RepositoryWriter({
        repository,
        git: mirror('actions', repository),
        logger: logger.child({ repository: repository.id }),
        afterPush: async () => {
          await syncScheduler.trigger(repository.id);
        },
        metrics,
      }),
    ]),
  );
  const writerFor: WriterFor = id => {
    const writer = writers.get(id);
    if (!writer)
      throw new NotFoundError(`No gitops repository "${id}" is configured`);
    return writer;
  };
  return {
    sync: syncScheduler,
    reconcile: reconcileScheduler,
    writers: writerFor,
    automation: automationScheduler,
  };
}

import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { ClusterApi } from '../cluster';
import { ScheduleConfig } from '../config';
import { ClusterStateStore } from '../database';
import { ImmediateRun } from '../kernel';
import { ClusterReconciler } from './ClusterReconciler';

export const reconcileTaskId = (cluster: string) =>
  `gitops-helm-reconcile:${cluster}`;

/** What `POST .../reconcile` needs of the reconcile loop. */
export interface ReconcileTrigger {
  /** The cluster client, for actions that must reach the cluster now. */
  clusterApi(cluster: string): ClusterApi;
  /**
   * Starts the cluster's reconcile in this process now (one more after the
   * current one when one is on), without waiting for it.
   */
  trigger(cluster: string): Promise<void>;
}

/**
 * One scheduled helm-reconcile task per cluster. `scope: 'global'` makes
 * replicas sharing a database run each task once; each run gets the
 * scheduler's abort signal (fired at the task's timeout, when another replica
 * may claim it), so two applies or prunes of a cluster never overlap.
 * Triggers run through the same per-cluster gate as the scheduled task, now
 * rather than at the scheduler's next poll, and never two at once here.
 */
export class ReconcileScheduler implements ReconcileTrigger {
  private readonly runs = new Map<string, ImmediateRun>();

  constructor(
    private readonly options: {
      scheduler: SchedulerService;
      schedule: ScheduleConfig;
      clusters: Map<string, { api: ClusterApi; reconciler: ClusterReconciler }>;
      clusterStateStore: Pick<ClusterStateStore, 'ensureClusters'>;
      logger: LoggerService;
      /** Aborts immediate runs when the backend stops. */
      stopSignal?: AbortSignal;
    },
  ) {}

  async schedule(titles: Map<string, string | undefined>): Promise<void> {
    const { scheduler, schedule, clusters, clusterStateStore } = this.options;
    await clusterStateStore.ensureClusters(
      [...clusters.keys()].map(name => ({ name, title: titles.get(name) })),
    );
    for (const [name, { reconciler }] of clusters) {
      const run = new ImmediateRun({
        name: reconcileTaskId(name),
        timeoutMs: durationToMilliseconds(schedule.timeout),
        logger: this.options.logger,
        stopSignal: this.options.stopSignal,
        work: async (_, signal) => {
          await reconciler.run(signal);
        },
      });
      this.runs.set(name, run);
      await scheduler.scheduleTask({
        id: reconcileTaskId(name),
        scope: 'global',
        ...schedule,
        fn: abortSignal => run.request(undefined, abortSignal),
      });
    }
  }

  clusterApi(cluster: string): ClusterApi {
    const entry = this.options.clusters.get(cluster);
    if (!entry) {
      throw new NotFoundError(
        `No cluster "${cluster}" in kubernetes.clusterLocatorMethods`,
      );
    }
    return entry.api;
  }

  async trigger(cluster: string): Promise<void> {
    this.clusterApi(cluster);
    void this.runs.get(cluster)?.request();
  }
}

import { SchedulerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { ClusterApi } from '../cluster';
import { ScheduleConfig } from '../config';
import { ClusterStateStore } from '../database';
import { ClusterReconciler } from './ClusterReconciler';

export const reconcileTaskId = (cluster: string) => `gitops-helm-reconcile:${cluster}`;

/** What `POST .../reconcile` needs of the reconcile loop. */
export interface ReconcileTrigger {
  /** The cluster client, for actions that must reach the cluster now. */
  clusterApi(cluster: string): ClusterApi;
  /** Runs the cluster's reconcile task now. */
  trigger(cluster: string): Promise<void>;
}

/**
 * One scheduled helm-reconcile task per cluster. `scope: 'global'` makes
 * replicas sharing a database run each task once; each run gets the
 * scheduler's abort signal (fired at the task's timeout, when another replica
 * may claim it), so two applies or prunes of a cluster never overlap.
 */
export class ReconcileScheduler implements ReconcileTrigger {
  constructor(
    private readonly options: {
      scheduler: SchedulerService;
      schedule: ScheduleConfig;
      clusters: Map<string, { api: ClusterApi; reconciler: ClusterReconciler }>;
      clusterStateStore: Pick<ClusterStateStore, 'ensureClusters'>;
    },
  ) {}

  async schedule(titles: Map<string, string | undefined>): Promise<void> {
    const { scheduler, schedule, clusters, clusterStateStore } = this.options;
    await clusterStateStore.ensureClusters(
      [...clusters.keys()].map(name => ({ name, title: titles.get(name) })),
    );
    for (const [name, { reconciler }] of clusters) {
      await scheduler.scheduleTask({
        id: reconcileTaskId(name),
        scope: 'global',
        ...schedule,
        fn: async abortSignal => {
          await reconciler.run(abortSignal);
        },
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
    await this.options.scheduler.triggerTask(reconcileTaskId(cluster));
  }
}

import { ClusterRequestError } from '../cluster';
import { EventStore, SyncStateStore } from '../database';
import { ReconcileTrigger } from '../reconcile';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { GitopsReleaseKey } from '@backstage-gitops/plugin-gitops-common';

/**
 * "Reconcile now" for one release: sets Flux's
 * `reconcile.fluxcd.io/requestedAt` on its HelmRelease, records who asked,
 * and runs the cluster's reconcile task so the card catches up soon.
 */
export class ReconcileRequests {
  constructor(
    private readonly options: {
      syncStateStore: SyncStateStore;
      eventStore: EventStore;
      reconcile: ReconcileTrigger;
      logger: LoggerService;
    },
  ) {}

  async request(
    key: GitopsReleaseKey,
    actor: string,
  ): Promise<{ cluster: string; requestedAt: string }> {
    const { syncStateStore, eventStore, reconcile } = this.options;
    const release = await syncStateStore.getRelease(key);
    if (!release) {
      throw new NotFoundError(
        `No release ${key.namespace}/${key.name} in environment ${key.environment}`,
      );
    }
    const environment = (await syncStateStore.listEnvironments()).find(
      env => env.name === key.environment,
    );
    if (!environment?.cluster) {
      throw new InputError(
        `Environment ${key.environment} names no cluster (gitops.environments[].cluster)`,
      );
    }
    const cluster = environment.cluster;
    const requestedAt = new Date().toISOString();
    try {
      await reconcile.clusterApi(cluster).requestReconcile(
        {
          apiVersion: release.apiVersion,
          namespace: key.namespace,
          name: key.name,
        },
        requestedAt,
      );
    } catch (error) {
      if (!(error instanceof ClusterRequestError)) throw error;
      if (error.status === 404) {
        throw new NotFoundError(
          `HelmRelease ${key.namespace}/${key.name} is not in cluster ${cluster}`,
        );
      }
      if (error.status === 403) throw new NotAllowedError(error.message);
      // Unreachable: the cause names the API server's address, which is
      // for the logs, not for whoever pressed the button.
      this.options.logger.warn('Reconcile request failed', {
        cluster,
        release: `${key.namespace}/${key.name}`,
        error: error.message,
      });
      throw new ServiceUnavailableError(
        `Cluster ${cluster} did not take the reconcile request; the backend logs say why`,
      );
    }
    await eventStore.addEvents([
      {
        type: 'reconcile-requested',
        repository: release.repository,
        ...key,
        actor,
        message: `Reconcile requested in cluster ${cluster}`,
        details: { cluster, requestedAt },
        at: new Date(requestedAt),
      },
    ]);
    await reconcile.trigger(cluster);
    return { cluster, requestedAt };
  }
}

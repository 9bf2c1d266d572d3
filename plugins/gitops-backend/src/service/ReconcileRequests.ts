import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ClusterRequestError } from '../cluster/ClusterRequestError';
import { GitopsStore, ReleaseKey } from '../database/GitopsStore';
import { ReconcileTrigger } from '../reconcile/ReconcileScheduler';

/**
 * "Reconcile now" for one release: sets Flux's
 * `reconcile.fluxcd.io/requestedAt` on its HelmRelease, records who asked,
 * and runs the cluster's reconcile task so the card catches up soon.
 */
export class ReconcileRequests {
  constructor(
    private readonly options: { store: GitopsStore; reconcile: ReconcileTrigger },
  ) {}

  async request(
    key: ReleaseKey,
    actor: string,
  ): Promise<{ cluster: string; requestedAt: string }> {
    const { store, reconcile } = this.options;
    const release = await store.getRelease(key);
    if (!release) {
      throw new NotFoundError(
        `No release ${key.namespace}/${key.name} in environment ${key.environment}`,
      );
    }
    const environment = (await store.listEnvironments()).find(
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
        { apiVersion: release.apiVersion, namespace: key.namespace, name: key.name },
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
      throw new ServiceUnavailableError(error.message);
    }
    await store.addEvents([
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

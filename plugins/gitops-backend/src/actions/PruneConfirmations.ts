import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterStateStore,
  EventStore,
  HeldPruneRecord,
  SyncStateStore,
} from '../database';
import { errorMessage } from '../kernel';
import { ReconcileTrigger } from '../reconcile';

const COMMIT_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Confirms a deletion the prune guard holds back. A confirmation names the
 * commit it was given for, so it covers that deletion only: if git moved on
 * and the environment would now delete something else, it confirms nothing.
 * The environment's cluster is then reconciled at once, which deletes.
 */
export class PruneConfirmations {
  constructor(
    private readonly options: {
      syncStateStore: SyncStateStore;
      clusterStateStore: ClusterStateStore;
      eventStore: EventStore;
      reconcile: ReconcileTrigger;
      logger: LoggerService;
    },
  ) {}

  async confirm(
    environment: string,
    request: { commit: string; actor: string },
  ): Promise<HeldPruneRecord> {
    const { syncStateStore, clusterStateStore, eventStore } = this.options;
    if (!COMMIT_SHA.test(request.commit)) {
      throw new InputError('commit must be the full sha of the held deletion');
    }
    const held = await clusterStateStore.getHeldPrune(environment);
    if (!held) {
      throw new NotFoundError(
        `Environment ${environment} holds no deletion back`,
      );
    }
    if (held.commit !== request.commit) {
      throw new ConflictError(
        `Environment ${environment} holds back the deletion of commit ${held.commit}, not ${request.commit}`,
      );
    }
    const at = new Date();
    const confirmed = await clusterStateStore.confirmHeldPrune(environment, {
      ...request,
      at,
    });
    if (!confirmed) {
      throw new ConflictError(
        `The deletion held for ${environment} changed; read it again`,
      );
    }
    const environmentRecord = (await syncStateStore.listEnvironments()).find(
      e => e.name === environment,
    );
    await eventStore.addEvents([
      {
        type: 'prune-confirmed',
        ...(environmentRecord
          ? { repository: environmentRecord.repository }
          : {}),
        environment,
        commit: confirmed.commit,
        actor: request.actor,
        message: `Confirmed the deletion of ${confirmed.objects.length} of ${
          confirmed.total
        } objects at ${confirmed.commit.slice(0, 7)}`,
        details: { objects: confirmed.objects.length, total: confirmed.total },
        at,
      },
    ]);
    if (environmentRecord?.cluster)
      await this.reconcileNow(environmentRecord.cluster);
    return confirmed;
  }

  // The confirmation is stored whatever happens here; the scheduled cycle
  // deletes if this trigger fails.
  private async reconcileNow(cluster: string): Promise<void> {
    try {
      await this.options.reconcile.trigger(cluster);
    } catch (error) {
      this.options.logger.warn(
        'Could not start a reconcile after a prune confirmation',
        {
          cluster,
          error: errorMessage(error),
        },
      );
    }
  }
}

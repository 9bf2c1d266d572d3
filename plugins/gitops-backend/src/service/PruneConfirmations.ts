import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { GitopsStore, HeldPruneRecord } from '../database/GitopsStore';

const COMMIT_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Confirms a deletion the prune guard holds back. A confirmation names the
 * commit it was given for, so it covers that deletion only: if git moved on
 * and the environment would now delete something else, it confirms nothing.
 * The next reconcile cycle of the environment's cluster deletes.
 */
export class PruneConfirmations {
  constructor(private readonly store: GitopsStore) {}

  async confirm(
    environment: string,
    request: { commit: string; actor: string },
  ): Promise<HeldPruneRecord> {
    const { store } = this;
    if (!COMMIT_SHA.test(request.commit)) {
      throw new InputError('commit must be the full sha of the held deletion');
    }
    const held = await store.getHeldPrune(environment);
    if (!held) {
      throw new NotFoundError(`Environment ${environment} holds no deletion back`);
    }
    if (held.commit !== request.commit) {
      throw new ConflictError(
        `Environment ${environment} holds back the deletion of commit ${held.commit}, not ${request.commit}`,
      );
    }
    const at = new Date();
    const confirmed = await store.confirmHeldPrune(environment, { ...request, at });
    if (!confirmed) {
      throw new ConflictError(`The deletion held for ${environment} changed; read it again`);
    }
    const environmentRecord = (await store.listEnvironments()).find(e => e.name === environment);
    await store.addEvents([
      {
        type: 'prune-confirmed',
        ...(environmentRecord ? { repository: environmentRecord.repository } : {}),
        environment,
        commit: confirmed.commit,
        actor: request.actor,
        message: `Confirmed the deletion of ${confirmed.objects.length} of ${confirmed.total} objects at ${confirmed.commit.slice(0, 7)}`,
        details: { objects: confirmed.objects.length, total: confirmed.total },
        at,
      },
    ]);
    return confirmed;
  }
}

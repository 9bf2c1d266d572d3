import { SchedulerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { RepositoryConfig } from '../config';
import { RepositorySync } from './RepositorySync';

export const syncTaskId = (repositoryId: string) => `gitops-sync:${repositoryId}`;

/** Starts syncs now, for `POST /sync`. */
export interface SyncTrigger {
  /** Triggers the sync of one repository, or of all; returns their ids. */
  trigger(repositoryId?: string): Promise<string[]>;
}

/**
 * One scheduled git-sync task per repository. `scope: 'global'` makes
 * replicas sharing a database run each task once; each run gets the
 * scheduler's abort signal, which fires at the task's timeout, when another
 * replica may claim the task, so a late run stops instead of overlapping it.
 */
export class SyncScheduler implements SyncTrigger {
  constructor(
    private readonly options: {
      scheduler: SchedulerService;
      repositories: RepositoryConfig[];
    },
  ) {}

  /** `afterChange` runs after a sync that stored a new commit. */
  async schedule(
    syncs: Map<string, RepositorySync>,
    afterChange?: (repositoryId: string) => Promise<void>,
  ): Promise<void> {
    for (const repository of this.options.repositories) {
      const sync = syncs.get(repository.id)!;
      await this.options.scheduler.scheduleTask({
        id: syncTaskId(repository.id),
        scope: 'global',
        frequency: repository.schedule.frequency,
        timeout: repository.schedule.timeout,
        initialDelay: repository.schedule.initialDelay,
        fn: async abortSignal => {
          const outcome = await sync.run(abortSignal);
          if (abortSignal.aborted) return;
          if (outcome.status === 'synced') await afterChange?.(repository.id);
        },
      });
    }
  }

  async trigger(repositoryId?: string): Promise<string[]> {
    const ids = repositoryId
      ? [repositoryId]
      : this.options.repositories.map(r => r.id);
    for (const id of ids) {
      if (!this.options.repositories.some(r => r.id === id)) {
        throw new NotFoundError(`No gitops repository "${id}" is configured`);
      }
      await this.options.scheduler.triggerTask(syncTaskId(id));
    }
    return ids;
  }
}

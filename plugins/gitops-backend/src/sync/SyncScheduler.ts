import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { RepositoryConfig } from '../config';
import { ImmediateRun } from '../kernel';
import { RepositorySync } from './RepositorySync';

export const syncTaskId = (repositoryId: string) =>
  `gitops-sync:${repositoryId}`;

/** Starts syncs now, for `POST /sync`, pushes and webhooks. */
export interface SyncTrigger {
  /**
   * Starts the sync of one repository, or of all, in this process now (one
   * more run after the current one when one is on); returns their ids
   * without waiting for the syncs. Throws only for an unknown repository.
   */
  trigger(repositoryId?: string): Promise<string[]>;
}

/**
 * One scheduled git-sync task per repository, the fallback when no push
 * event arrives. `scope: 'global'` makes replicas sharing a database run
 * each scheduled task once; each run gets the scheduler's abort signal, which
 * fires at the task's timeout, when another replica may claim the task, so a
 * late run stops instead of overlapping it.
 *
 * Triggers do not wait for the scheduler (whose global tasks start on its
 * next database poll, and refuse while running): they run the sync here and
 * now, through the same per-repository gate as the scheduled task, so one
 * process never runs two syncs of a repository at once. A scheduled run on
 * another replica may still overlap; the store refuses whichever of the two
 * stores second from a commit that has moved since (`expectedCommit`).
 */
export class SyncScheduler implements SyncTrigger {
  private readonly runs = new Map<string, ImmediateRun>();

  constructor(
    private readonly options: {
      scheduler: SchedulerService;
      repositories: RepositoryConfig[];
      logger: LoggerService;
      /** Aborts immediate runs when the backend stops. */
      stopSignal?: AbortSignal;
    },
  ) {}

  /** `afterChange` runs after a sync that stored a new commit. */
  async schedule(
    syncs: Map<string, RepositorySync>,
    afterChange?: (repositoryId: string) => Promise<void>,
  ): Promise<void> {
    for (const repository of this.options.repositories) {
      const sync = syncs.get(repository.id)!;
      const run = new ImmediateRun({
        name: syncTaskId(repository.id),
        timeoutMs: durationToMilliseconds(repository.schedule.timeout),
        logger: this.options.logger,
        stopSignal: this.options.stopSignal,
        work: async (_, signal) => {
          const outcome = await sync.run(signal);
          if (signal.aborted) return;
          if (outcome.status === 'synced') await afterChange?.(repository.id);
        },
      });
      this.runs.set(repository.id, run);
      await this.options.scheduler.scheduleTask({
        id: syncTaskId(repository.id),
        scope: 'global',
        frequency: repository.schedule.frequency,
        timeout: repository.schedule.timeout,
        initialDelay: repository.schedule.initialDelay,
        fn: abortSignal => run.request(undefined, abortSignal),
      });
    }
  }

  async trigger(repositoryId?: string): Promise<string[]> {
    const ids = repositoryId
      ? [repositoryId]
      : this.options.repositories.map(r => r.id);
    const runs = ids.map(id => {
      const run = this.runs.get(id);
      if (!run)
        throw new NotFoundError(`No gitops repository "${id}" is configured`);
      return run;
    });
    for (const run of runs) void run.request();
    return ids;
  }

  /** Resolves once no sync of the repository runs or waits here: for tests. */
  async whenIdle(repositoryId: string): Promise<void> {
    await this.runs.get(repositoryId)?.whenIdle();
  }
}

import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { ReleaseOwnerIndex } from '../permissions';

const TASK_ID = 'gitops-release-owners';

/**
 * Schedules the `gitops-release-owners` task (one instance at a time): every
 * minute it resolves the owners of releases written since its last run,
 * and every `fullRefreshMinutes` those of all releases. `trigger` runs it at
 * once, after a sync that changed releases.
 */
export async function scheduleReleaseOwners(options: {
  scheduler: SchedulerService;
  index: ReleaseOwnerIndex;
  logger: LoggerService;
}): Promise<{ trigger: () => Promise<void> }> {
  const { scheduler, index, logger } = options;
  await scheduler.scheduleTask({
    id: TASK_ID,
    scope: 'global',
    frequency: { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 5 },
    fn: async () => {
      await index.run();
    },
  });
  return {
    async trigger() {
      try {
        await scheduler.triggerTask(TASK_ID);
      } catch (error) {
        // Running already (it will see the new releases) or on another instance.
        logger.debug('Release owners task not triggered', {
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    },
  };
}

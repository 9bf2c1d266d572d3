import {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import path from 'node:path';
import { ImageAutomation } from '../automation/ImageAutomation';
import { GitopsConfig } from '../config/GitopsConfig';
import { GitopsStore } from '../database/GitopsStore';
import { CliGitRepository } from '../git';
import { ImageMetadataCache, ImageScanner, RegistryConfig } from '../registry';
import { RepositorySync } from '../sync/RepositorySync';
import { SyncScheduler, SyncTrigger } from '../sync/SyncScheduler';

/**
 * Schedules the loops per repository: git sync, and image automation unless
 * it is turned off. Each loop gets a git mirror of its own, so automation's
 * commits never race the sync's reads.
 */
export async function scheduleGitopsTasks(options: {
  gitops: GitopsConfig;
  registries: RegistryConfig[];
  imageCache: ImageMetadataCache;
  store: GitopsStore;
  scheduler: SchedulerService;
  logger: LoggerService;
  /** Parent folder of the git mirrors. */
  workDir: string;
}): Promise<SyncTrigger> {
  const { gitops, store, scheduler, logger, workDir } = options;
  const mirror = (loop: string, repository: GitopsConfig['repositories'][number]) =>
    CliGitRepository.create({
      id: repository.id,
      remote: repository,
      workDir: path.join(workDir, loop),
      logger,
    });

  const syncScheduler = new SyncScheduler({
    scheduler,
    repositories: gitops.repositories,
  });
  await syncScheduler.schedule(
    new Map(
      gitops.repositories.map(repository => [
        repository.id,
        new RepositorySync({
          repository,
          environments: gitops.environments,
          git: mirror('sync', repository),
          store,
          logger: logger.child({ repository: repository.id }),
        }),
      ]),
    ),
  );

  if (gitops.imageAutomation.enabled) {
    const images = new ImageScanner({
      registries: options.registries,
      cache: options.imageCache,
      logger,
    });
    for (const repository of gitops.repositories) {
      const automation = new ImageAutomation({
        repository,
        git: mirror('automation', repository),
        store,
        images,
        logger: logger.child({ repository: repository.id }),
        afterPush: async () => {
          await syncScheduler.trigger(repository.id);
        },
      });
      await scheduler.scheduleTask({
        id: `gitops-image-automation:${repository.id}`,
        scope: 'global',
        ...gitops.imageAutomation.schedule,
        fn: async () => {
          await automation.run();
        },
      });
    }
  }
  return syncScheduler;
}

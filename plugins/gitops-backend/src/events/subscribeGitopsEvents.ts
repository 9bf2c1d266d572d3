import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { ImageScanTrigger } from '../automation';
import { RepositoryConfig } from '../config';
import { SyncTrigger } from '../sync';
import { GitopsEventsConfig } from './eventsConfig';
import { GitPushRouter } from './GitPushRouter';
import { RegistryNotificationRouter } from './RegistryNotificationRouter';

/**
 * Subscribes the loops to the events that should run them at once: git
 * pushes start syncs, registry notifications scans of the pushed images.
 * Without the events backend the default events service only delivers this
 * process's own events, and the schedules do the work as before.
 */
export async function subscribeGitopsEvents(options: {
  events: EventsService;
  settings: GitopsEventsConfig;
  repositories: RepositoryConfig[];
  sync: SyncTrigger;
  automation: ImageScanTrigger;
  logger: LoggerService;
}): Promise<void> {
  const { events, settings, repositories, sync, automation, logger } = options;
  if (repositories.length === 0) return;
  await new GitPushRouter({ repositories, sync, logger }).subscribe(events);
  await new RegistryNotificationRouter({
    hosts: settings.registry.hosts,
    automation,
    logger,
  }).subscribe(events);
}

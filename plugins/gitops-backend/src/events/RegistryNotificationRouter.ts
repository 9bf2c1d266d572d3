import { LoggerService } from '@backstage/backend-plugin-api';
import { formatImageName } from '@backstage-gitops/plugin-gitops-common';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { ImageScanTrigger } from '../automation';
import {
  readRegistryNotification,
  REGISTRY_TOPIC,
} from './registryNotifications';

/**
 * Scans the images a registry notification names at once, in every
 * repository that deploys one; the scheduled scan stays as the fallback.
 * The scan reads the configured registry of each image, never a host the
 * notification names, and images no release deploys cost one store read.
 */
export class RegistryNotificationRouter {
  constructor(
    private readonly options: {
      /** The image hosts the notifying registry serves (gitops.events.registry.hosts). */
      hosts: string[];
      automation: ImageScanTrigger;
      logger: LoggerService;
    },
  ) {}

  async subscribe(events: EventsService): Promise<void> {
    await events.subscribe({
      id: 'gitops-registry',
      topics: [REGISTRY_TOPIC],
      onEvent: params => this.onEvent(params),
    });
  }

  async onEvent(params: EventParams): Promise<void> {
    const images = readRegistryNotification(
      params.eventPayload,
      this.options.hosts,
    );
    if (images.length === 0) {
      this.options.logger.debug('Registry notification names no pushed image');
      return;
    }
    this.options.logger.info('Registry notification: scanning now', {
      images: images.map(formatImageName).join(','),
    });
    this.options.automation.scanImages(images);
  }
}

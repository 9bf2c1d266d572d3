import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  NotificationRecipients,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { SyncStateStore } from '../database';
import { errorMessage } from '../kernel';
import { EntityIndex } from '../signals';
import { storedReleases } from '../signals/releaseStates';
import { ReleaseNotice } from './releaseNotices';

/** The entity page a notification links to, relative to the app. */
export function entityPageLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}`;
}

/**
 * Tells the owners of the entities that show a release what happened to
 * it, through Backstage's notifications service. Notices are sent one
 * after another, after the write that caused them, and never fail that
 * write: a notice that cannot be sent is logged and dropped.
 */
export class ReleaseNotifier {
  private sending: Promise<void> = Promise.resolve();
  private queued = 0;
  private closed = false;
  private readonly maxQueued: number;

  constructor(
    private readonly options: {
      notifications: NotificationService;
      entities: Pick<EntityIndex, 'entitiesShowing'>;
      syncStateStore: Pick<
        SyncStateStore,
        'getRelease' | 'releasesOfEnvironments'
      >;
      logger: LoggerService;
      /**
       * Notices waiting at most: beyond, new ones are dropped (a fleet
       * failing at once is one outage, not ten thousand messages).
       */
      maxQueued?: number;
    },
  ) {
    this.maxQueued = options.maxQueued ?? 200;
  }

  /** Queues the notices; returns at once and never throws. */
  notify(notices: ReleaseNotice[]): void {
    if (this.closed || notices.length === 0) return;
    const room = Math.max(0, this.maxQueued - this.queued);
    const taken = notices.slice(0, room);
    if (taken.length < notices.length) {
      this.options.logger.warn(
        'Dropped gitops notifications: too many at once',
        {
          dropped: notices.length - taken.length,
        },
      );
    }
    if (taken.length === 0) return;
    this.queued += taken.length;
    this.sending = this.sending.then(() => this.deliver(taken));
  }

  /** Waits until every notice queued so far was sent (or given up). */
  async flush(): Promise<void> {
    await this.sending;
  }

  /** Drops what is queued (the backend is stopping). */
  close(): void {
    this.closed = true;
  }

  private async deliver(notices: ReleaseNotice[]): Promise<void> {
    const { logger } = this.options;
    for (const notice of notices) {
      this.queued -= 1;
      if (this.closed) continue;
      try {
        await this.send(notice);
      } catch (error) {
        logger.warn('Could not send a gitops notification', {
          title: notice.title,
          error: errorMessage(error),
        });
      }
    }
  }

  private async send(notice: ReleaseNotice): Promise<void> {
    const { notifications, entities, syncStateStore, logger } = this.options;
    const records = await storedReleases(syncStateStore, [notice.release]);
    const refs = await entities.entitiesShowing(records);
    for (const entityRef of [...refs].sort()) {
      const recipients: NotificationRecipients = {
        type: 'entity',
        entityRef,
        // Whoever did it knows: the notifications backend leaves them out.
        ...(notice.actor ? { excludeEntityRef: notice.actor } : {}),
      };
      try {
        await notifications.send({
          recipients,
          payload: {
            title: notice.title,
            description: notice.description,
            link: entityPageLink(entityRef),
            severity: notice.severity,
            topic: notice.topic,
            scope: notice.scope,
          },
        });
        logger.debug('Sent a gitops notification', {
          topic: notice.topic,
          scope: notice.scope,
          entity: entityRef,
        });
      } catch (error) {
        // The owners of the other entities are still told.
        logger.warn('Could not send a gitops notification', {
          entity: entityRef,
          scope: notice.scope,
          error: errorMessage(error),
        });
      }
    }
  }
}

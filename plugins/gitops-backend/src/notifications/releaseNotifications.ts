import {
  LifecycleService,
  LoggerService,
  RootConfigService,
  RootInstanceMetadataService,
} from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { GitopsStores } from '../database';
import { EntityIndex } from '../signals';
import { notifyingStores } from './notifyingStores';
import { ReleaseNotifier } from './ReleaseNotifier';

/** The config switch; notifications are on unless it says false. */
export const NOTIFICATIONS_ENABLED_KEY = 'gitops.notifications.enabled';

/** The plugin id of Backstage's notifications backend. */
const NOTIFICATIONS_PLUGIN_ID = 'notifications';

/**
 * The stores, telling the owners of each release's entities what happened
 * to it (see `notifyingStores`) when `gitops.notifications.enabled` is not
 * false and the notifications backend runs in this backend; else the
 * stores as they are. The notifications service always resolves (its
 * default sends over HTTP), so without the backend every send would fail:
 * whether it is installed is asked of this instance's metadata.
 */
export async function withReleaseNotifications(
  stores: GitopsStores,
  deps: {
    config: RootConfigService;
    logger: LoggerService;
    lifecycle: LifecycleService;
    notifications: NotificationService;
    instanceMetadata: RootInstanceMetadataService;
    entities: Pick<EntityIndex, 'entitiesShowing'>;
  },
): Promise<GitopsStores> {
  const { config, logger } = deps;
  if (config.getOptionalBoolean(NOTIFICATIONS_ENABLED_KEY) === false) {
    logger.info(`Gitops notifications are off (${NOTIFICATIONS_ENABLED_KEY})`);
    return stores;
  }
  const plugins = await deps.instanceMetadata.getInstalledPlugins();
  if (!plugins.some(p => p.pluginId === NOTIFICATIONS_PLUGIN_ID)) {
    logger.info(
      'Gitops notifications are off: the notifications backend (@backstage/plugin-notifications-backend) is not installed in this backend',
    );
    return stores;
  }
  const notifier = new ReleaseNotifier({
    notifications: deps.notifications,
    entities: deps.entities,
    syncStateStore: stores.syncStateStore,
    logger: logger.child({ component: 'gitops-notifications' }),
  });
  deps.lifecycle.addShutdownHook(() => notifier.close());
  return notifyingStores(stores, notifier, { logger });
}

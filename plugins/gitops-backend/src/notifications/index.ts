export { DEFAULT_SETTLE_MS, notifyingStores } from './notifyingStores';
export type { NoticeSink, NotifyingOptions } from './notifyingStores';
export { noticeOfEvent, noticeOfTransition } from './releaseNotices';
export type { ReleaseNotice } from './releaseNotices';
export { entityPageLink, ReleaseNotifier } from './ReleaseNotifier';
export {
  NOTIFICATIONS_ENABLED_KEY,
  withReleaseNotifications,
} from './releaseNotifications';

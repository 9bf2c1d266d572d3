/** Webhooks and registry notifications that run the loops at once. */
export { readGitopsEventsConfig } from './eventsConfig';
export type { GitopsEventsConfig } from './eventsConfig';
export { GIT_PUSH_TOPICS, readGitPush } from './gitPushes';
export type { GitPush } from './gitPushes';
export { GitPushRouter } from './GitPushRouter';
export { gitopsEventsModule } from './module';
export {
  readRegistryNotification,
  REGISTRY_TOPIC,
} from './registryNotifications';
export { RegistryNotificationRouter } from './RegistryNotificationRouter';
export { subscribeGitopsEvents } from './subscribeGitopsEvents';

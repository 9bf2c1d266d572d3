import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { eventsExtensionPoint } from '@backstage/plugin-events-node/alpha';
import { readGitopsEventsConfig } from './eventsConfig';
import { GIT_PUSH_TOPICS } from './gitPushes';
import {
  bitbucketCloudSignatureValidator,
  DISTRIBUTION_EVENTS_TYPE,
  distributionEventsBodyParser,
  registryTokenValidator,
} from './registryIngress';
import { REGISTRY_TOPIC } from './registryNotifications';

// The ingress topic is the first part of a sub-topic: the provider module's
// router turns `bitbucketCloud` events into `bitbucketCloud.repo:push`.
const BITBUCKET_CLOUD_TOPIC = GIT_PUSH_TOPICS.bitbucketCloud.split('.')[0];

/**
 * The gitops module of the events backend: the HTTP ingress for registry
 * notifications (`POST /api/events/http/gitops.registry`, token-checked), and
 * a signature check for Bitbucket Cloud's webhooks
 * (`POST /api/events/http/bitbucketCloud`), whose module has none. Each
 * ingress is only added when its secret is configured.
 *
 * @public
 */
export const gitopsEventsModule = createBackendModule({
  pluginId: 'events',
  moduleId: 'gitops',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        events: eventsExtensionPoint,
      },
      async init({ config, logger, events }) {
        const settings = readGitopsEventsConfig(config);
        if (settings.registry.token) {
          events.addHttpPostIngress({
            topic: REGISTRY_TOPIC,
            validator: registryTokenValidator(settings.registry.token),
          });
          events.addHttpPostBodyParser({
            contentType: DISTRIBUTION_EVENTS_TYPE,
            parser: distributionEventsBodyParser,
          });
        } else {
          logger.info(
            `No registry notification ingress: gitops.events.registry.token is not set`,
          );
        }
        if (settings.bitbucketCloud.webhookSecret) {
          events.addHttpPostIngress({
            topic: BITBUCKET_CLOUD_TOPIC,
            validator: bitbucketCloudSignatureValidator(
              settings.bitbucketCloud.webhookSecret,
            ),
          });
        }
      },
    });
  },
});

import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { readClustersConfig } from './cluster';
import { readCacheConfig } from './config/cacheConfig';
import {
  checkEnvironmentClusters,
  readGitopsConfig,
  readHelmRepositoriesConfig,
  readReadPathConfig,
} from './config';
import { createGitopsStores, DatabaseImageMetadataCache } from './database';
import { readGitopsEventsConfig, subscribeGitopsEvents } from './events';
import { mirrorsDirectory } from './git';
import { processCacheBudgets, startMemoryReports } from './kernel';
import { withReleaseNotifications } from './notifications';
import { GitopsMetrics } from './metrics';
import {
  PruneConfirmations,
  ReconcileRequests,
  RegistryTagDigests,
  ReleaseLocks,
  ReleasePromotions,
} from './actions';
import {
  ActionPrincipals,
  registerGitopsPermissions,
  ReleaseOwnerIndex,
} from './permissions';
import { readRegistriesConfig, readRegistryPolicy } from './registry';
import { createRouter, ReleaseService } from './service';
import { EntityIndex, GitopsSignals, observeGitopsStores } from './signals';
import { scheduleGitopsTasks, scheduleReleaseOwners } from './tasks';

/**
 * The gitops backend plugin: git sync, image automation and helm
 * reconciliation as scheduled tasks, and the API the entity cards read.
 *
 * @public
 */
export const gitopsPlugin = createBackendPlugin({
  pluginId: 'gitops',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        // Pushes and registry notifications; without the events backend its default delivers only our own.
        events: eventsServiceRef,
        // Without the signals backend its default publishes to no one.
        signals: signalsServiceRef,
        // Sent only when the notifications backend runs here (see withReleaseNotifications).
        notifications: notificationService,
        instanceMetadata: coreServices.rootInstanceMetadata,
        lifecycle: coreServices.lifecycle,
        // Alpha, but in the previous Backstage release too; meters under the
        // scope backstage-plugin-gitops, exported by the SDK the adopter starts.
        metrics: metricsServiceRef,
      },
      async init(deps) {
        const { config, logger, database, scheduler, httpRouter } = deps;
        const gitops = readGitopsConfig(config);
        // Before the loops are created: their caches take these budgets.
        const caches = readCacheConfig(config);
        processCacheBudgets.configure(caches.budgetsMiB);
        deps.lifecycle.addShutdownHook(
          startMemoryReports({
            logger,
            intervalMs: caches.reportMinutes * 60_000,
          }),
        );
        const clusters = readClustersConfig(config);
        checkEnvironmentClusters(gitops, clusters);
        // Which entities show a release, for live cards and notifications.
        const entities = new EntityIndex({
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
        });
        // Owners hear what others and the loops did to their releases.
        const stores = await withReleaseNotifications(
          await createGitopsStores({ database }),
          { ...deps, entities },
        );
        const { syncStateStore, clusterStateStore, eventStore } = stores;
        const registries = readRegistriesConfig(config);
        const registryPolicy = readRegistryPolicy(config);
        const imageCache = new DatabaseImageMetadataCache(
          await database.getClient(),
        );
        const metrics = new GitopsMetrics(deps.metrics);
        deps.lifecycle.addShutdownHook(
          metrics.observeReleases(() => clusterStateStore.countReleaseStates()),
        );
        // What the loops change reaches the open cards as signals.
        const liveCards = new GitopsSignals({
          signals: deps.signals,
          entities,
          syncStateStore,
          logger,
        });
        deps.lifecycle.addShutdownHook(() => liveCards.close());
        const readPath = readReadPathConfig(config);
        const releaseOwners = await scheduleReleaseOwners({
          scheduler,
          logger,
          index: new ReleaseOwnerIndex({
            store: stores.releaseOwnerStore,
            catalog: deps.catalog,
            auth: deps.auth,
            logger: logger.child({ task: 'gitops-release-owners' }),
            fullRefreshMs: readPath.releaseOwnersFullRefreshMinutes * 60_000,
          }),
        });
        // Runs that webhooks and actions started stop with the backend.
        const stopping = new AbortController();
        deps.lifecycle.addShutdownHook(() => stopping.abort());
        const { sync, reconcile, writers, automation } =
          await scheduleGitopsTasks({
            gitops,
            clusters,
            registries,
            registryPolicy,
            helmRepositories: readHelmRepositoriesConfig(config),
            imageCache,
            stores: observeGitopsStores(stores, liveCards),
            scheduler,
            logger,
            workDir: mirrorsDirectory(
              config.getOptionalString('backend.workingDirectory'),
            ),
            stopSignal: stopping.signal,
            afterChangedSync: releaseOwners.trigger,
            metrics,
          });

        await subscribeGitopsEvents({
          events: deps.events,
          settings: readGitopsEventsConfig(config),
          repositories: gitops.repositories,
          sync,
          automation,
          logger,
        });
        registerGitopsPermissions({
          permissionsRegistry: deps.permissionsRegistry,
          syncStateStore,
          catalog: deps.catalog,
          auth: deps.auth,
        });
        httpRouter.use(
          await createRouter({
            eventStore,
            releases: new ReleaseService({
              syncStateStore,
              clusterStateStore,
              chartStatusStore: stores.chartStatusStore,
              eventStore,
              catalog: deps.catalog,
              permissions: deps.permissions,
              automationOf: id =>
                gitops.repositories.find(r => r.id === id)?.automation ??
                'backstage',
              decisionCacheSeconds: readPath.permissionDecisionCacheSeconds,
              entityCacheSeconds: readPath.entityCacheSeconds,
              readVersionStore: stores.readVersionStore,
            }),
            sync,
            reconcileRequests: new ReconcileRequests({
              syncStateStore,
              eventStore,
              reconcile,
              logger,
            }),
            pruneConfirmations: new PruneConfirmations({
              syncStateStore,
              clusterStateStore,
              eventStore,
              reconcile,
              logger,
            }),
            promotions: new ReleasePromotions({
              syncStateStore,
              eventStore,
              writers,
              registry: new RegistryTagDigests({
                registries,
                policy: registryPolicy,
                cache: imageCache,
                logger,
                metrics,
              }),
            }),
            locks: new ReleaseLocks({ syncStateStore, eventStore, writers }),
            actionPrincipals: ActionPrincipals.fromConfig(config, deps.auth),
            httpAuth: deps.httpAuth,
            auth: deps.auth,
            permissions: deps.permissions,
            auditor: deps.auditor,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info('Gitops plugin ready', {
          repositories: gitops.repositories.map(r => r.id).join(','),
          clusters: clusters.map(c => c.name).join(','),
        });
      },
    });
  },
});

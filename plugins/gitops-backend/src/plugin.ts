import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { gitopsPermissions } from '@backstage-gitops/plugin-gitops-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import os from 'node:os';
import path from 'node:path';
import { ImageAutomation } from './automation/ImageAutomation';
import { readGitopsConfig } from './config/GitopsConfig';
import { DatabaseGitopsStore } from './database/DatabaseGitopsStore';
import { DatabaseImageMetadataCache } from './database/DatabaseImageMetadataCache';
import { ImageScanner, readRegistriesConfig } from './registry';
import { CliGitRepository } from './git';
import { ReleaseService } from './service/ReleaseService';
import { createRouter } from './service/router';
import { RepositorySync } from './sync/RepositorySync';
import { SyncScheduler } from './sync/SyncScheduler';

/**
 * The gitops backend plugin: git sync, image automation and Helm
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
      },
      async init(deps) {
        const { config, logger, database, scheduler, httpRouter } = deps;
        const gitops = readGitopsConfig(config);
        const store = await DatabaseGitopsStore.create({ database });
        const workDir = path.join(
          config.getOptionalString('backend.workingDirectory') ?? os.tmpdir(),
          'backstage-gitops',
        );

        const syncs = new Map(
          gitops.repositories.map(repository => [
            repository.id,
            new RepositorySync({
              repository,
              environments: gitops.environments,
              git: CliGitRepository.create({
                id: repository.id,
                remote: repository,
                workDir: path.join(workDir, 'sync'),
                logger,
              }),
              store,
              logger: logger.child({ repository: repository.id }),
            }),
          ]),
        );
        const syncScheduler = new SyncScheduler({
          scheduler,
          logger,
          repositories: gitops.repositories,
        });
        await syncScheduler.schedule(syncs);

        if (gitops.imageAutomation.enabled) {
          const images = new ImageScanner({
            registries: readRegistriesConfig(config),
            cache: new DatabaseImageMetadataCache(await database.getClient()),
            logger,
          });
          for (const repository of gitops.repositories) {
            const automation = new ImageAutomation({
              repository,
              // A mirror of its own: commits never race the sync's reads.
              git: CliGitRepository.create({
                id: repository.id,
                remote: repository,
                workDir: path.join(workDir, 'automation'),
                logger,
              }),
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

        deps.permissionsRegistry.addPermissions(gitopsPermissions);
        httpRouter.use(
          await createRouter({
            store,
            releases: new ReleaseService({ store, catalog: deps.catalog }),
            sync: syncScheduler,
            httpAuth: deps.httpAuth,
            auth: deps.auth,
            permissions: deps.permissions,
            auditor: deps.auditor,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info('Gitops plugin ready', {
          repositories: gitops.repositories.map(r => r.id).join(','),
        });
      },
    });
  },
});

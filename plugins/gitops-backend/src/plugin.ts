import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { DatabaseGitopsStore } from './database/DatabaseGitopsStore';
import { createRouter } from './service/router';

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
      },
      async init({ logger, database, httpRouter, httpAuth }) {
        const store = await DatabaseGitopsStore.create({ database });
        httpRouter.use(await createRouter({ store, httpAuth }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info('Gitops plugin ready');
      },
    });
  },
});

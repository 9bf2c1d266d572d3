import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { gitopsApiRef, GitopsClient } from './api';

/**
 * The gitops frontend plugin, for apps on the legacy frontend system.
 *
 * @public
 */
export const gitopsPlugin = createPlugin({
  id: 'gitops',
  apis: [
    createApiFactory({
      api: gitopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GitopsClient(deps),
    }),
  ],
});

/**
 * The releases of the current entity in every environment.
 *
 * @public
 */
export const EntityGitopsReleasesCard = gitopsPlugin.provide(
  createComponentExtension({
    name: 'EntityGitopsReleasesCard',
    component: {
      lazy: () =>
        import('./components/ReleasesCard').then(m => m.ReleasesCard),
    },
  }),
);

/**
 * The promotion pipeline of the current entity.
 *
 * @public
 */
export const EntityGitopsEnvironmentsCard = gitopsPlugin.provide(
  createComponentExtension({
    name: 'EntityGitopsEnvironmentsCard',
    component: {
      lazy: () =>
        import('./components/EnvironmentsCard').then(m => m.EnvironmentsCard),
    },
  }),
);

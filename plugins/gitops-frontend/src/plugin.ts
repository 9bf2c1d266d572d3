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
      lazy: () => import('./components/ReleasesCard').then(m => m.ReleasesCard),
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

/**
 * What happened to the current entity's releases in every environment,
 * newest first (promotions, commits, locks and unlocks, state changes, with
 * who and when), filterable by environment: content for an entity page tab,
 * such as a "GitOps" route of `EntityLayout`.
 *
 * @public
 */
export const EntityGitopsActivityContent = gitopsPlugin.provide(
  createComponentExtension({
    name: 'EntityGitopsActivityContent',
    component: {
      lazy: () =>
        import('./components/ActivityContent').then(m => m.ActivityContent),
    },
  }),
);

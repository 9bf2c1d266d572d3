import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { gitopsApiRef, GitopsClient } from './api';
import { isGitopsAvailable } from './isGitopsAvailable';

const gitopsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: gitopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GitopsClient(deps),
    }),
});

const releasesCard = EntityCardBlueprint.make({
  name: 'releases',
  params: {
    filter: isGitopsAvailable,
    loader: () =>
      import('./components/ReleasesCard').then(m => <m.ReleasesCard />),
  },
});

const environmentsCard = EntityCardBlueprint.make({
  name: 'environments',
  params: {
    filter: isGitopsAvailable,
    loader: () =>
      import('./components/EnvironmentsCard').then(m => <m.EnvironmentsCard />),
  },
});

const activityContent = EntityContentBlueprint.make({
  name: 'activity',
  params: {
    path: 'gitops',
    title: 'GitOps',
    filter: isGitopsAvailable,
    loader: () =>
      import('./components/ActivityContent').then(m => <m.ActivityContent />),
  },
});

/**
 * The gitops frontend plugin for the new frontend system: its API and the
 * releases and environments cards on the entity overview, and the
 * entity's activity as a "GitOps" tab (`entity-content:gitops/activity`).
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'gitops',
  extensions: [gitopsApi, releasesCard, environmentsCard, activityContent],
});

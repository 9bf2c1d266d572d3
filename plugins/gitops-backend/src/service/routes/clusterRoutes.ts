import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ReleaseService } from '../ReleaseService';
import { callerCredentials, GitopsApiRouter } from './GitopsApiRouter';

/** The clusters of the environments, and how their last cycle went. */
export function addClusterRoutes(
  router: GitopsApiRouter,
  deps: { httpAuth: HttpAuthService; releases: ReleaseService },
) {
  const { httpAuth, releases } = deps;

  router.get('/clusters', async (req, res) => {
    const credentials = await callerCredentials(httpAuth, req);
    res.json(await releases.listClusters(credentials));
  });
}

import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ReleaseService } from '../ReleaseService';
import { callerCredentials, GitopsApiRouter } from './GitopsApiRouter';

/** What happened to an entity's releases and their repositories. */
export function addEventRoutes(
  router: GitopsApiRouter,
  deps: { httpAuth: HttpAuthService; releases: ReleaseService },
) {
  const { httpAuth, releases } = deps;

  router.get('/events', async (req, res) => {
    const credentials = await callerCredentials(httpAuth, req);
    res.json(await releases.listEvents(req.query.entityRef, credentials));
  });
}

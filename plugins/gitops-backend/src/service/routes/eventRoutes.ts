import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ReleaseService } from '../ReleaseService';
import { callerCredentials, GitopsApiRouter } from './GitopsApiRouter';

/**
 * What happened to an entity's releases and their repositories, a page at a
 * time, in one environment when asked.
 */
export function addEventRoutes(
  router: GitopsApiRouter,
  deps: { httpAuth: HttpAuthService; releases: ReleaseService },
) {
  const { httpAuth, releases } = deps;

  router.get('/events', async (req, res) => {
    const credentials = await callerCredentials(httpAuth, req);
    const { entityRef, environment, scope, limit, before } = req.query;
    res.json(
      await releases.listEvents(entityRef, credentials, {
        environment,
        scope,
        // Query values arrive as text; the schema checked it is 1-200.
        limit: limit === undefined ? undefined : Number(limit),
        before,
      }),
    );
  });
}

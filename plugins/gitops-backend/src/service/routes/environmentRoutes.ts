import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ReleaseService } from '../ReleaseService';
import { callerCredentials, GitopsApiRouter } from './GitopsApiRouter';
import { revalidated, sendJsonText } from './revalidation';

/** The pipeline's environments and the config repositories they come from. */
export function addEnvironmentRoutes(
  router: GitopsApiRouter,
  deps: { httpAuth: HttpAuthService; releases: ReleaseService },
) {
  const { httpAuth, releases } = deps;

  router.get('/environments', async (req, res) => {
    const credentials = await callerCredentials(httpAuth, req);
    const tag = await releases.listTag('environments', credentials);
    if (revalidated(req, res, tag)) return;
    sendJsonText(
      res,
      await releases.listBody(tag, () =>
        releases.listEnvironments(credentials),
      ),
    );
  });

  router.get('/repositories', async (req, res) => {
    const credentials = await callerCredentials(httpAuth, req);
    res.json(await releases.listRepositories(credentials));
  });
}

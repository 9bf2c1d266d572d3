import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ReleaseService } from '../ReleaseService';
import { callerCredentials, GitopsApiRouter } from './GitopsApiRouter';
import { revalidated, sendJsonText } from './revalidation';

/** The releases of an entity, one release, and its Helm history. */
export function addReleaseRoutes(
  router: GitopsApiRouter,
  deps: { httpAuth: HttpAuthService; releases: ReleaseService },
) {
  const { httpAuth, releases } = deps;

  router.get('/releases', async (req, res) => {
    const credentials = await callerCredentials(httpAuth, req);
    const { entityRef } = req.query;
    const tag = entityRef
      ? await releases.listTag('releases', credentials, entityRef)
      : undefined;
    if (revalidated(req, res, tag)) return;
    sendJsonText(
      res,
      await releases.listBody(tag, () =>
        releases.listReleases(entityRef, credentials),
      ),
    );
  });

  router.get('/releases/:environment/:namespace/:name', async (req, res) => {
    const credentials = await callerCredentials(httpAuth, req);
    const { environment, namespace, name } = req.params;
    res.json(
      await releases.getRelease({ environment, namespace, name }, credentials),
    );
  });

  router.get(
    '/releases/:environment/:namespace/:name/history',
    async (req, res) => {
      const credentials = await callerCredentials(httpAuth, req);
      const { environment, namespace, name } = req.params;
      res.json(
        await releases.getHistory(
          { environment, namespace, name },
          credentials,
        ),
      );
    },
  );
}

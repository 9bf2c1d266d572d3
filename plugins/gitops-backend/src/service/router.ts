import {
  AuditorService,
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  GitopsEnvironmentList,
  GitopsHealth,
  gitopsReconcilePermission,
  gitopsSyncPermission,
  stringifyGitopsReleaseRef,
} from '@backstage-gitops/plugin-gitops-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import Router from 'express-promise-router';
import { GitopsStore } from '../database/GitopsStore';
import { SyncTrigger } from '../sync/SyncScheduler';
import { actorOf, ReleaseService } from './ReleaseService';
import { ReconcileRequests } from './ReconcileRequests';

function queryString(req: express.Request, name: string): string {
  const value = req.query[name];
  if (typeof value !== 'string' || !value) {
    throw new InputError(`Query parameter ${name} is required`);
  }
  return value;
}

/**
 * The REST API of the plugin, described in `src/schema/openapi.yaml`. Reads
 * come from the store only: a page view never waits on git, a registry or a
 * cluster. Actions are permission-checked and record who asked.
 */
export async function createRouter(options: {
  store: GitopsStore;
  releases: ReleaseService;
  sync: SyncTrigger;
  reconcileRequests: ReconcileRequests;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
}): Promise<express.Router> {
  const { store, releases, sync, httpAuth, auth, permissions, auditor } =
    options;
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    const body: GitopsHealth = { status: 'ok' };
    res.json(body);
  });

  router.get('/environments', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: GitopsEnvironmentList = {
      items: await store.listEnvironments(),
    };
    res.json(body);
  });

  router.get('/repositories', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: await store.listRepositories() });
  });

  router.get('/releases', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await releases.listReleases(queryString(req, 'entityRef'), credentials));
  });

  router.get('/releases/:environment/:namespace/:name', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { environment, namespace, name } = req.params;
    res.json(await releases.getRelease({ environment, namespace, name }));
  });

  router.get(
    '/releases/:environment/:namespace/:name/history',
    async (req, res) => {
      await httpAuth.credentials(req, { allow: ['user', 'service'] });
      const { environment, namespace, name } = req.params;
      res.json(await releases.getHistory({ environment, namespace, name }));
    },
  );

  router.post(
    '/releases/:environment/:namespace/:name/reconcile',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const { environment, namespace, name } = req.params;
      const key = { environment, namespace, name };
      const actor = actorOf(credentials, auth);
      const audit = await auditor.createEvent({
        eventId: 'gitops-reconcile',
        severityLevel: 'medium',
        request: req,
        meta: key,
      });
      try {
        const [decision] = await permissions.authorize(
          [
            {
              permission: gitopsReconcilePermission,
              resourceRef: stringifyGitopsReleaseRef(key),
            },
          ],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(
            `${actor} may not reconcile ${namespace}/${name} in ${environment}`,
          );
        }
        const result = await options.reconcileRequests.request(key, actor);
        await audit.success({ meta: result });
        res.status(202).json({ ...result, requestedBy: actor });
      } catch (error) {
        await audit.fail({ error: error as Error });
        throw error;
      }
    },
  );

  router.get('/clusters', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await releases.listClusters());
  });

  router.get('/events', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await releases.listEvents(queryString(req, 'entityRef'), credentials));
  });

  router.post('/sync', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const repository = req.body?.repository;
    if (repository !== undefined && typeof repository !== 'string') {
      throw new InputError('repository must be a string when given');
    }
    const actor = actorOf(credentials, auth);
    const audit = await auditor.createEvent({
      eventId: 'gitops-sync',
      severityLevel: 'medium',
      request: req,
      meta: { repository: repository ?? 'all' },
    });
    try {
      const [decision] = await permissions.authorize(
        [{ permission: gitopsSyncPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(`${actor} may not trigger a gitops sync`);
      }
      const ids = await sync.trigger(repository);
      await store.addEvents(
        ids.map(id => ({
          type: 'sync-requested',
          repository: id,
          actor,
          at: new Date(),
        })),
      );
      await audit.success({ meta: { repositories: ids } });
      res.status(202).json({ repositories: ids, requestedBy: actor });
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}

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
  GitopsPromotion,
  gitopsAutomationUpdatePermission,
  gitopsPromotePermission,
  gitopsPruneConfirmPermission,
  gitopsReconcilePermission,
  gitopsSyncPermission,
  stringifyGitopsReleaseRef,
} from '@backstage-gitops/plugin-gitops-common';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import express from 'express';
import Router from 'express-promise-router';
import { ReleaseLocks, ReleasePromotions } from '../actions';
import { GitopsStore, ReleaseKey } from '../database/GitopsStore';
import { ActionPrincipals } from '../permissions/ActionPrincipals';
import { SyncTrigger } from '../sync/SyncScheduler';
import { actorOf, ReleaseService } from './ReleaseService';
import { PruneConfirmations } from './PruneConfirmations';
import { ReconcileRequests } from './ReconcileRequests';

function queryString(req: express.Request, name: string): string {
  const value = req.query[name];
  if (typeof value !== 'string' || !value) {
    throw new InputError(`Query parameter ${name} is required`);
  }
  return value;
}

/** The JSON body of an action; an absent body is an empty one. */
function bodyOf(req: express.Request): Record<string, unknown> {
  const body = req.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError('The request body must be a JSON object');
  }
  return body;
}

function optionalField<T>(
  body: Record<string, unknown>,
  name: string,
  type: 'string' | 'boolean',
): T | undefined {
  const value = body[name];
  if (value !== undefined && value !== null && typeof value !== type) {
    throw new InputError(`${name} must be a ${type} when given`);
  }
  return (value ?? undefined) as T | undefined;
}

const MAX_LOCK_MESSAGE = 500;

/**
 * The REST API of the plugin, described in `src/schema/openapi.yaml`. Reads
 * come from the store only: a page view never waits on git, a registry or a
 * cluster; ReleaseService keeps to what the caller may read. Actions take
 * users, and services only where config names them; then the permission
 * policy decides, and the action records who asked.
 */
export async function createRouter(options: {
  store: GitopsStore;
  releases: ReleaseService;
  sync: SyncTrigger;
  reconcileRequests: ReconcileRequests;
  pruneConfirmations: PruneConfirmations;
  promotions: ReleasePromotions;
  locks: ReleaseLocks;
  actionPrincipals: ActionPrincipals;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
}): Promise<express.Router> {
  const {
    store,
    releases,
    sync,
    pruneConfirmations,
    actionPrincipals,
    httpAuth,
    auth,
    permissions,
    auditor,
  } = options;
  const router = Router();
  router.use(express.json());

  /**
   * What every release action does around its work: who asks, the body
   * read, an auditor event that ends in success or failure, and the
   * principal check and the permission check on the release (with the
   * entity page it was asked from, which policies may log; owners come from
   * the release itself). Nothing is read or written before both pass.
   */
  async function releaseAction<B extends { entityRef?: string }, T>(
    req: express.Request,
    action: {
      eventId: string;
      permission: ResourcePermission;
      /** For the refusal: `<actor> may not <verb> <release>`. */
      verb: string;
      readBody: (body: Record<string, unknown>) => B;
      /** What the auditor keeps of the result; all of it by default. */
      auditMeta?: (result: T) => JsonObject;
    },
    act: (context: { key: ReleaseKey; actor: string; body: B }) => Promise<T>,
  ): Promise<T> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = action.readBody(bodyOf(req));
    const { environment, namespace, name } = req.params;
    const key = { environment, namespace, name };
    const actor = actorOf(credentials, auth);
    const audit = await auditor.createEvent({
      eventId: action.eventId,
      severityLevel: 'medium',
      request: req,
      meta: { ...key, ...body },
    });
    try {
      actionPrincipals.assertMayAct(credentials, actor);
      const [decision] = await permissions.authorize(
        [
          {
            permission: action.permission,
            resourceRef: stringifyGitopsReleaseRef({
              ...key,
              entityRef: body.entityRef,
            }),
          },
        ],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `${actor} may not ${action.verb} ${namespace}/${name} in ${environment}`,
        );
      }
      const result = await act({ key, actor, body });
      await audit.success({
        meta: action.auditMeta?.(result) ?? (result as JsonObject),
      });
      return result;
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  }

  const entityRefOnly = (body: Record<string, unknown>) => ({
    entityRef: optionalField<string>(body, 'entityRef', 'string'),
  });

  router.get('/health', (_req, res) => {
    const body: GitopsHealth = { status: 'ok' };
    res.json(body);
  });

  router.get('/environments', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body: GitopsEnvironmentList = await releases.listEnvironments(
      credentials,
    );
    res.json(body);
  });

  router.get('/repositories', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await releases.listRepositories(credentials));
  });

  router.get('/releases', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await releases.listReleases(queryString(req, 'entityRef'), credentials),
    );
  });

  router.get('/releases/:environment/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { environment, namespace, name } = req.params;
    res.json(
      await releases.getRelease({ environment, namespace, name }, credentials),
    );
  });

  router.get(
    '/releases/:environment/:namespace/:name/history',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const { environment, namespace, name } = req.params;
      res.json(
        await releases.getHistory(
          { environment, namespace, name },
          credentials,
        ),
      );
    },
  );

  router.post(
    '/releases/:environment/:namespace/:name/reconcile',
    async (req, res) => {
      const result = await releaseAction(
        req,
        {
          eventId: 'gitops-reconcile',
          permission: gitopsReconcilePermission,
          verb: 'reconcile',
          readBody: entityRefOnly,
        },
        async ({ key, actor }) => ({
          ...(await options.reconcileRequests.request(key, actor)),
          requestedBy: actor,
        }),
      );
      res.status(202).json(result);
    },
  );

  router.post(
    '/releases/:environment/:namespace/:name/promote',
    async (req, res) => {
      const promotion = await releaseAction(
        req,
        {
          eventId: 'gitops-promote',
          permission: gitopsPromotePermission,
          verb: 'promote',
          readBody: body => ({
            ...entityRefOnly(body),
            dryRun: optionalField<boolean>(body, 'dryRun', 'boolean') ?? false,
          }),
          auditMeta: ({ mode, tag, image, path, commit }: GitopsPromotion) => ({
            mode,
            image,
            tag,
            path,
            commit,
          }),
        },
        ({ key, actor, body }) =>
          options.promotions.promote(key, { actor, dryRun: body.dryRun }),
      );
      res.status(promotion.commit ? 201 : 200).json(promotion);
    },
  );

  router.post(
    '/releases/:environment/:namespace/:name/lock',
    async (req, res) => {
      const result = await releaseAction(
        req,
        {
          eventId: 'gitops-lock',
          permission: gitopsAutomationUpdatePermission,
          verb: 'lock',
          readBody: body => {
            const message = optionalField<string>(body, 'message', 'string');
            if (message && message.length > MAX_LOCK_MESSAGE) {
              throw new InputError(
                `message must be at most ${MAX_LOCK_MESSAGE} characters`,
              );
            }
            return { ...entityRefOnly(body), message };
          },
        },
        ({ key, actor, body }) =>
          options.locks.lock(key, { actor, message: body.message }),
      );
      res.status(result.changed ? 201 : 200).json(result);
    },
  );

  router.post(
    '/releases/:environment/:namespace/:name/unlock',
    async (req, res) => {
      const result = await releaseAction(
        req,
        {
          eventId: 'gitops-unlock',
          permission: gitopsAutomationUpdatePermission,
          verb: 'unlock',
          readBody: entityRefOnly,
        },
        ({ key, actor }) => options.locks.unlock(key, { actor }),
      );
      res.status(result.changed ? 201 : 200).json(result);
    },
  );

  router.get('/clusters', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await releases.listClusters(credentials));
  });

  router.get('/events', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await releases.listEvents(queryString(req, 'entityRef'), credentials),
    );
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
      actionPrincipals.assertMayAct(credentials, actor);
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

  // The prune guard: confirming a held deletion has a permission of its own.
  router.post(
    '/environments/:environment/prune-confirmations',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const { environment } = req.params;
      const commit = optionalField<string>(bodyOf(req), 'commit', 'string');
      if (!commit) throw new InputError('commit is required');
      const actor = actorOf(credentials, auth);
      const audit = await auditor.createEvent({
        eventId: 'gitops-prune-confirm',
        severityLevel: 'high',
        request: req,
        meta: { environment, commit },
      });
      try {
        actionPrincipals.assertMayAct(credentials, actor);
        const [decision] = await permissions.authorize(
          [{ permission: gitopsPruneConfirmPermission }],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(
            `${actor} may not confirm prunes in ${environment}`,
          );
        }
        const confirmed = await pruneConfirmations.confirm(environment, {
          commit,
          actor,
        });
        await audit.success({ meta: { objects: confirmed.objects.length } });
        res.status(201).json(confirmed);
      } catch (error) {
        await audit.fail({ error: error as Error });
        throw error;
      }
    },
  );

  return router;
}

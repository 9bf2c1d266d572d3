import {
  AuditorService,
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import {
  PruneConfirmations,
  ReconcileRequests,
  ReleaseLocks,
  ReleasePromotions,
} from '../actions';
import { EventStore } from '../database';
import { ActionPrincipals } from '../permissions';
import { createOpenApiRouter } from '../schema';
import { SyncTrigger } from '../sync';
import { ReleaseService } from './ReleaseService';
import { addActionRoutes } from './routes/actionRoutes';
import { addClusterRoutes } from './routes/clusterRoutes';
import { addEnvironmentRoutes } from './routes/environmentRoutes';
import { addEventRoutes } from './routes/eventRoutes';
import { createGuardedAction } from './routes/guardedAction';
import { addReleaseRoutes } from './routes/releaseRoutes';

/**
 * The REST API of the plugin, as `src/schema/openapi.yaml` describes it: the
 * router is typed and its requests validated by that spec, and each area's
 * routes live in `routes/`. Reads come from the store only: a page view never
 * waits on git, a registry or a cluster; ReleaseService keeps to what the
 * caller may read. Actions take users, and services only where config names
 * them; then the permission policy decides, and the action records who asked.
 */
export async function createRouter(options: {
  eventStore: EventStore;
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
  const router = await createOpenApiRouter({
    validatorOptions: {
      // httpAuth checks credentials and answers 401; the validator would
      // answer a missing header with 400.
      validateSecurity: false,
      // Parameters the spec does not name are ignored, as they always were.
      validateRequests: {
        allowUnknownQueryParameters: true,
        coerceTypes: false,
      },
    },
  });
  const { httpAuth, releases } = options;

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  addEnvironmentRoutes(router, { httpAuth, releases });
  addReleaseRoutes(router, { httpAuth, releases });
  addClusterRoutes(router, { httpAuth, releases });
  addEventRoutes(router, { httpAuth, releases });
  addActionRoutes(router, {
    guardedAction: createGuardedAction(options),
    eventStore: options.eventStore,
    sync: options.sync,
    reconcileRequests: options.reconcileRequests,
    pruneConfirmations: options.pruneConfirmations,
    promotions: options.promotions,
    locks: options.locks,
  });
  return router;
}

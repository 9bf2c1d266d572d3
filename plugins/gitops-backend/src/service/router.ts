import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  GitopsEnvironmentList,
  GitopsHealth,
} from '@backstage-gitops/plugin-gitops-common';
import express from 'express';
import Router from 'express-promise-router';
import { GitopsStore } from '../database/GitopsStore';

/**
 * The REST API of the plugin, described in `src/schema/openapi.yaml`. Reads
 * come from the store only: a page view never waits on git, a registry or a
 * cluster.
 */
export async function createRouter(options: {
  store: GitopsStore;
  httpAuth: HttpAuthService;
}): Promise<express.Router> {
  const { store, httpAuth } = options;
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

  return router;
}

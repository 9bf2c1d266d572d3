import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { GitopsStore } from '../database/GitopsStore';
import { PruneConfirmations } from './PruneConfirmations';
import { ReconcileRequests } from './ReconcileRequests';
import { ReleaseLocks, ReleasePromotions } from '../actions';
import { ActionPrincipals } from '../permissions/ActionPrincipals';
import { ReleaseService } from './ReleaseService';
import { createRouter } from './router';

type Layer = { route?: { path: string; methods: Record<string, boolean> } };

describe('the OpenAPI spec', () => {
  it('describes exactly the routes the router serves', async () => {
    const spec = parse(
      fs.readFileSync(
        path.resolve(__dirname, '../schema/openapi.yaml'),
        'utf8',
      ),
    ) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(spec.paths)
      .flatMap(([route, methods]) =>
        Object.keys(methods).map(
          method =>
            `${method.toUpperCase()} ${route.replace(/\{(\w+)\}/g, ':$1')}`,
        ),
      )
      .sort();

    const store = {} as GitopsStore;
    const router = await createRouter({
      store,
      releases: {} as ReleaseService,
      sync: { trigger: async () => [] },
      reconcileRequests: {} as ReconcileRequests,
      pruneConfirmations: {} as PruneConfirmations,
      promotions: {} as ReleasePromotions,
      locks: {} as ReleaseLocks,
      actionPrincipals: new ActionPrincipals(mockServices.auth(), []),
      httpAuth: mockServices.httpAuth(),
      auth: mockServices.auth(),
      permissions: mockServices.permissions(),
      auditor: mockServices.auditor.mock(),
    });
    const served = (router.stack as Layer[])
      .filter(layer => layer.route)
      .flatMap(layer =>
        Object.keys(layer.route!.methods).map(
          method => `${method.toUpperCase()} ${layer.route!.path}`,
        ),
      )
      .sort();

    expect(served).toEqual(documented);
  });
});

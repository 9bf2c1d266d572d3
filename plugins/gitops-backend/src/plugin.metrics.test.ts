import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createGitopsStores } from './database';
import { GITOPS_METRICS } from './metrics';
import { gitopsPlugin } from './plugin';

describe('gitopsPlugin metrics', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it("creates its instruments from Backstage's metrics service and gauges the stored releases", async () => {
    const knex = await databases.init('SQLITE_3');
    const metrics = metricsServiceMock.mock();
    const backend = await startTestBackend({
      features: [
        gitopsPlugin,
        catalogServiceMock.factory(),
        mockServices.database.factory({ knex }),
        metrics.factory,
      ],
    });
    try {
      const names = (mocked: jest.Mock) =>
        mocked.mock.calls.map(call => call[0]);
      expect(names(metrics.createHistogram as jest.Mock).sort()).toEqual(
        [
          GITOPS_METRICS.imageScanDuration,
          GITOPS_METRICS.reconcileDuration,
          GITOPS_METRICS.syncDuration,
        ].sort(),
      );
      expect(names(metrics.createCounter as jest.Mock).sort()).toEqual(
        [
          GITOPS_METRICS.clusterRequests,
          GITOPS_METRICS.commits,
          GITOPS_METRICS.registryRequests,
        ].sort(),
      );
      expect(names(metrics.createObservableGauge as jest.Mock)).toEqual([
        GITOPS_METRICS.releases,
      ]);

      // The gauge reads the plugin's store when collected.
      const stores = await createGitopsStores({
        database: mockServices.database({ knex }),
      });
      await stores.clusterStateStore.applyReconcile({
        cluster: 'demo',
        at: new Date(),
        statuses: [
          {
            environment: 'dev',
            namespace: 'dev',
            name: 'podinfo',
            cluster: 'demo',
            state: 'Drifted',
            reason: 'values differ',
            differences: [],
          },
        ],
        removed: [],
        histories: [],
        events: [],
      });
      const gauge = (metrics.createObservableGauge as jest.Mock).mock.results[0]
        .value;
      const [callback] = gauge.addCallback.mock.calls[0];
      const observe = jest.fn();
      await callback({ observe });
      expect(observe).toHaveBeenCalledWith(1, {
        environment: 'dev',
        state: 'Drifted',
      });
    } finally {
      await backend.stop();
    }
  });
});

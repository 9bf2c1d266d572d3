import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { gitopsPlugin } from './plugin';

describe('gitopsPlugin', () => {
  // The default test database is never destroyed when the backend stops, and
  // its pool's timers kept the jest worker alive; TestDatabases closes this one.
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('starts with no configuration, serves its health check and an empty pipeline', async () => {
    const knex = await databases.init('SQLITE_3');
    const backend = await startTestBackend({
      features: [
        gitopsPlugin,
        catalogServiceMock.factory(),
        mockServices.database.factory({ knex }),
      ],
    });
    const { server } = backend;
    const health = await request(server).get('/api/gitops/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });

    const environments = await request(server)
      .get('/api/gitops/environments')
      .set('authorization', mockCredentials.user.header());
    expect(environments.body).toEqual({ items: [] });
    const anonymous = await request(server)
      .get('/api/gitops/environments')
      .set('authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    await backend.stop();
  });

  it('refuses to start on invalid config, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          gitopsPlugin,
          catalogServiceMock.factory(),
          mockServices.rootConfig.factory({
            data: {
              gitops: {
                repositories: [{ id: 'Bad Id', url: 'file:///x.git' }],
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(/gitops.repositories\[0\].id/);
  });
});

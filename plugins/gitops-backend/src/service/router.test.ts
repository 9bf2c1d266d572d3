import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { GitopsStore } from '../database/GitopsStore';
import { createRouter } from './router';

describe('createRouter', () => {
  const store: jest.Mocked<GitopsStore> = {
    listEnvironments: jest.fn(),
  };
  let app: express.Express;

  beforeEach(async () => {
    jest.resetAllMocks();
    const router = await createRouter({
      store,
      httpAuth: mockServices.httpAuth(),
    });
    const middleware = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });
    app = express().use(router).use(middleware.error());
  });

  it('answers the health check', async () => {
    const response = await request(app).get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('serves the stored environments to a signed-in user', async () => {
    store.listEnvironments.mockResolvedValue([
      { name: 'dev', repository: 'config', path: 'releases/dev', order: 1 },
    ]);
    const response = await request(app)
      .get('/environments')
      .set('authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        { name: 'dev', repository: 'config', path: 'releases/dev', order: 1 },
      ],
    });
  });

  it('refuses the environments to a caller without credentials', async () => {
    const response = await request(app)
      .get('/environments')
      .set('authorization', mockCredentials.none.header());
    expect(response.status).toBe(401);
    expect(store.listEnvironments).not.toHaveBeenCalled();
  });
});

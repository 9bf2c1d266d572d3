import { MockFetchApi } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GitopsClient } from './GitopsClient';

const baseUrl = 'http://backend.test/api/gitops';
const server = setupServer();

describe('GitopsClient', () => {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const client = new GitopsClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: new MockFetchApi(),
  });

  it('reads the environments from the discovered backend', async () => {
    server.use(
      http.get(`${baseUrl}/environments`, () => {
        return HttpResponse.json({
          items: [{ name: 'dev', repository: 'config', path: 'releases/dev', order: 1 }],
        });
      }),
    );
    await expect(client.listEnvironments()).resolves.toEqual({
      items: [{ name: 'dev', repository: 'config', path: 'releases/dev', order: 1 }],
    });
  });

  it('turns an error answer into a ResponseError with the backend message', async () => {
    server.use(
      http.get(`${baseUrl}/environments`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'not for you' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(client.listEnvironments()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      body: { error: { message: 'not for you' } },
    });
  });
});

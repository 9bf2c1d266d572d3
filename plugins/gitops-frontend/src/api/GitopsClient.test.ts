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

  it('reads a release history under its environment, namespace and name', async () => {
    let asked = '';
    server.use(
      http.get(`${baseUrl}/releases/:environment/:namespace/:name/history`, ({ request }) => {
        asked = new URL(request.url).pathname;
        return HttpResponse.json({
          cluster: 'demo',
          items: [{ revision: 1, status: 'deployed' }],
        });
      }),
    );
    await expect(
      client.getHelmHistory({ environment: 'dev', namespace: 'dev', name: 'podinfo dev' }),
    ).resolves.toEqual({ cluster: 'demo', items: [{ revision: 1, status: 'deployed' }] });
    expect(asked).toBe('/api/gitops/releases/dev/dev/podinfo%20dev/history');
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

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
          items: [
            {
              name: 'dev',
              repository: 'config',
              path: 'releases/dev',
              order: 1,
            },
          ],
        });
      }),
    );
    await expect(client.listEnvironments()).resolves.toEqual({
      items: [
        { name: 'dev', repository: 'config', path: 'releases/dev', order: 1 },
      ],
    });
  });

  it('reads a release history under its environment, namespace and name', async () => {
    let asked = '';
    server.use(
      http.get(
        `${baseUrl}/releases/:environment/:namespace/:name/history`,
        ({ request }) => {
          asked = new URL(request.url).pathname;
          return HttpResponse.json({
            cluster: 'demo',
            items: [{ revision: 1, status: 'deployed' }],
          });
        },
      ),
    );
    await expect(
      client.getHelmHistory({
        environment: 'dev',
        namespace: 'dev',
        name: 'podinfo dev',
      }),
    ).resolves.toEqual({
      cluster: 'demo',
      items: [{ revision: 1, status: 'deployed' }],
    });
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

  it('lists the config repositories', async () => {
    server.use(
      http.get(`${baseUrl}/repositories`, () =>
        HttpResponse.json({
          items: [
            {
              id: 'config',
              url: 'https://github.com/example/config',
              branch: 'main',
            },
          ],
        }),
      ),
    );
    await expect(client.listRepositories()).resolves.toEqual({
      items: [
        {
          id: 'config',
          url: 'https://github.com/example/config',
          branch: 'main',
        },
      ],
    });
  });

  it('posts actions with the entity they were asked from', async () => {
    const seen: { path: string; body: unknown }[] = [];
    server.use(
      http.post(`${baseUrl}/*`, async ({ request }) => {
        seen.push({
          path: new URL(request.url).pathname.replace('/api/gitops', ''),
          body: await request.json(),
        });
        return HttpResponse.json({});
      }),
    );
    const release = {
      environment: 'stg',
      namespace: 'stg',
      name: 'podinfo',
      entityRef: 'component:default/podinfo',
    };
    await client.promote(release, { dryRun: true });
    await client.promote(release);
    await client.lock(release, 'hold for the release');
    await client.unlock(release);
    await client.reconcile(release);
    await client.syncNow('config');
    await client.syncNow();
    expect(seen).toEqual([
      {
        path: '/releases/stg/stg/podinfo/promote',
        body: { entityRef: release.entityRef, dryRun: true },
      },
      {
        path: '/releases/stg/stg/podinfo/promote',
        body: { entityRef: release.entityRef, dryRun: false },
      },
      {
        path: '/releases/stg/stg/podinfo/lock',
        body: { entityRef: release.entityRef, message: 'hold for the release' },
      },
      {
        path: '/releases/stg/stg/podinfo/unlock',
        body: { entityRef: release.entityRef },
      },
      {
        path: '/releases/stg/stg/podinfo/reconcile',
        body: { entityRef: release.entityRef },
      },
      { path: '/sync', body: { repository: 'config' } },
      { path: '/sync', body: {} },
    ]);
  });
});

import { CoreV1Api } from '@kubernetes/client-node';
import { kubeConfigFor } from './kubeConfigFor';
import {
  KubernetesDouble,
  startKubernetesDouble,
} from './startKubernetesDouble';
import { statusOfError } from './statusOfError';

describe('auth, faults and outages', () => {
  let double: KubernetesDouble;
  let core: CoreV1Api;
  const listSecrets = () => core.listNamespacedSecret({ namespace: 'default' });

  beforeEach(async () => {
    double = await startKubernetesDouble({ token: 'test-token' });
    core = kubeConfigFor(double).makeApiClient(CoreV1Api);
  });
  afterEach(() => double.stop());

  it('answers 401 without the bearer token', async () => {
    expect(double.token).toBe('test-token');
    const anonymous = await fetch(
      `${double.url}/api/v1/namespaces/default/secrets`,
    );
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    const wrong = kubeConfigFor({
      url: double.url,
      token: 'nope',
    }).makeApiClient(CoreV1Api);
    const error = await wrong
      .listNamespacedSecret({ namespace: 'default' })
      .catch(failure => failure);
    expect(error.code).toBe(401);
  });

  it.each([
    [403, 'Forbidden'],
    [404, 'NotFound'],
    [409, 'Conflict'],
    [410, 'Expired'],
    [500, 'InternalError'],
  ])('injects %d as a %s Status', async (code, reason) => {
    double.injectFault({ method: 'GET', path: /\/secrets$/, status: code });
    const error = await listSecrets().catch(failure => failure);
    expect(statusOfError(error)).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      code,
      reason,
    });
    await expect(listSecrets()).resolves.toBeDefined();
  });

  it('sends Retry-After with injected 429s, for as many requests as asked', async () => {
    double.injectFault({
      path: /secrets/,
      status: 429,
      times: 2,
      retryAfterSeconds: 7,
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await listSecrets().catch(failure => failure);
      expect(error.code).toBe(429);
      expect(error.headers['retry-after']).toBe('7');
      expect(statusOfError(error)).toMatchObject({
        reason: 'TooManyRequests',
        details: { retryAfterSeconds: 7 },
      });
    }
    await expect(listSecrets()).resolves.toBeDefined();
  });

  it('refuses connections while down and comes back on the same port', async () => {
    const url = double.url;
    await double.setDown(true);
    const error = await listSecrets().catch(failure => failure);
    expect(`${error.code} ${error.message}`).toMatch(/ECONNREFUSED/);
    await double.setDown(false);
    expect(double.url).toBe(url);
    await expect(listSecrets()).resolves.toBeDefined();
  });

  it('counts requests per route template', async () => {
    double.resetRequests();
    await listSecrets();
    await listSecrets();
    await core
      .readNamespacedSecret({ namespace: 'default', name: 'absent' })
      .catch(() => undefined);
    expect(double.requests()).toEqual({
      total: 3,
      byRoute: {
        'GET /api/v1/namespaces/{namespace}/secrets': 2,
        'GET /api/v1/namespaces/{namespace}/secrets/{name}': 1,
      },
    });
  });
});

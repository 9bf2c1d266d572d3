import { FaultInjector } from './faultInjector';

describe('FaultInjector', () => {
  it('answers the next N matching requests, then stops', () => {
    const faults = new FaultInjector();
    faults.add({
      method: 'PATCH',
      path: /\/helmreleases\//,
      status: 409,
      times: 2,
    });
    expect(
      faults.take('GET', '/apis/helm.fluxcd.io/v1/namespaces/a/helmreleases/b'),
    ).toBeUndefined();
    const takePatch = (method: string) =>
      faults.take(
        method,
        '/apis/helm.fluxcd.io/v1/namespaces/a/helmreleases/b',
      );
    expect(takePatch('patch')?.status).toBe(409);
    expect(takePatch('PATCH')?.status).toBe(409);
    expect(takePatch('PATCH')).toBeUndefined();
  });

  it('uses faults in the order they were planned', () => {
    const faults = new FaultInjector();
    faults.add({ path: /secrets/, status: 429, retryAfterSeconds: 3 });
    faults.add({ path: /secrets/g, status: 500, times: Infinity });
    expect(faults.take('GET', '/api/v1/secrets')?.status).toBe(429);
    expect(faults.take('GET', '/api/v1/secrets')?.status).toBe(500);
    expect(faults.take('GET', '/api/v1/secrets')?.status).toBe(500);
    faults.clear();
    expect(faults.take('GET', '/api/v1/secrets')).toBeUndefined();
  });
});

import { parseRequestPath } from './requestPath';
import { ResourceRegistry } from './resourceTypes';

describe('parseRequestPath', () => {
  const registry = new ResourceRegistry();

  it('recognises namespaced objects and collections', () => {
    const target = parseRequestPath(
      '/api/v1/namespaces/demo/secrets/sh.helm.release.v1.podinfo.v1',
      registry,
    );
    expect(target).toMatchObject({
      kind: 'resource',
      namespace: 'demo',
      name: 'sh.helm.release.v1.podinfo.v1',
      template: '/api/v1/namespaces/{namespace}/secrets/{name}',
    });
    expect(
      parseRequestPath(
        '/apis/helm.fluxcd.io/v1/namespaces/demo/helmreleases',
        registry,
      ),
    ).toMatchObject({
      kind: 'resource',
      version: 'v1',
      namespace: 'demo',
      template: '/apis/helm.fluxcd.io/v1/namespaces/{namespace}/helmreleases',
    });
  });

  it('serves every version of a kind from one storage', () => {
    const v2 = parseRequestPath(
      '/apis/helm.toolkit.fluxcd.io/v2/helmreleases',
      registry,
    );
    const beta = parseRequestPath(
      '/apis/helm.toolkit.fluxcd.io/v2beta1/helmreleases',
      registry,
    );
    expect(
      v2.kind === 'resource' &&
        beta.kind === 'resource' &&
        v2.type === beta.type,
    ).toBe(true);
  });

  it('tells namespaces, their status and cluster-wide lists apart', () => {
    expect(parseRequestPath('/api/v1/namespaces/demo', registry)).toMatchObject(
      { name: 'demo', template: '/api/v1/namespaces/{name}' },
    );
    expect(
      parseRequestPath('/api/v1/namespaces/demo/status', registry),
    ).toMatchObject({ name: 'demo', subresource: 'status' });
    expect(parseRequestPath('/api/v1/secrets', registry)).toMatchObject({
      kind: 'resource',
      template: '/api/v1/secrets',
    });
  });

  it('does not serve what is not registered', () => {
    expect(
      parseRequestPath('/apis/example.com/v1/namespaces/a/widgets', registry)
        .kind,
    ).toBe('unknown');
    expect(parseRequestPath('/api/v1/secrets/by-name', registry).kind).toBe(
      'unknown',
    );
    expect(
      parseRequestPath('/api/v1/namespaces/a/secrets/b/status', registry).kind,
    ).toBe('unknown');
    expect(
      parseRequestPath('/apis/helm.fluxcd.io/v9/helmreleases', registry).kind,
    ).toBe('unknown');
  });
});

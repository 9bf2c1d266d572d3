import { desiredRelease } from './releaseRequest';

describe('desiredRelease', () => {
  it('reads a Flux v1 HelmRelease as the Helm Operator does', () => {
    const release = desiredRelease(
      {
        metadata: {
          name: 'podinfo',
          namespace: 'dev',
          annotations: { 'gitops.backstage.io/chart-version': '0.2.0' },
        },
        spec: {
          chart: {
            git: 'ssh://git@example/config',
            path: 'charts/podinfo',
            ref: 'master',
          },
          values: { replicaCount: 1 },
        },
      },
      'helm.fluxcd.io',
    );
    expect(release).toMatchObject({
      flavor: 'v1',
      releaseName: 'dev-podinfo',
      releaseNamespace: 'dev',
      storageNamespace: 'dev',
      chartName: 'podinfo',
      chartVersion: '0.2.0',
      values: { replicaCount: 1 },
    });
  });

  it('uses releaseName, targetNamespace and repository charts', () => {
    const release = desiredRelease(
      {
        metadata: { name: 'sealed-secrets', namespace: 'flux' },
        spec: {
          releaseName: 'sealed-secrets',
          targetNamespace: 'adm',
          chart: {
            repository: 'https://charts.example',
            name: 'sealed-secrets',
            version: '1.6.1',
          },
        },
      },
      'helm.fluxcd.io',
    );
    expect(release).toMatchObject({
      releaseName: 'sealed-secrets',
      storageNamespace: 'adm',
      chartVersion: '1.6.1',
    });
  });

  it('reads a Flux v2 HelmRelease as helm-controller does', () => {
    const base = {
      metadata: { name: 'podinfo', namespace: 'flux-system' },
      spec: {
        chart: { spec: { chart: './charts/podinfo', version: '0.2.1' } },
      },
    };
    expect(desiredRelease(base, 'helm.toolkit.fluxcd.io')).toMatchObject({
      flavor: 'v2',
      releaseName: 'podinfo',
      releaseNamespace: 'flux-system',
      storageNamespace: 'flux-system',
      chartName: 'podinfo',
      chartVersion: '0.2.1',
    });
    const targeted = desiredRelease(
      { ...base, spec: { ...base.spec, targetNamespace: 'prod' } },
      'helm.toolkit.fluxcd.io',
    );
    expect(targeted).toMatchObject({
      releaseName: 'prod-podinfo',
      releaseNamespace: 'prod',
      storageNamespace: 'flux-system',
    });
  });

  it('changes its fingerprint with the spec or the chart-version annotation, not key order', () => {
    const a = desiredRelease(
      { metadata: { name: 'x' }, spec: { values: { a: 1, b: 2 } } },
      'helm.fluxcd.io',
    );
    const b = desiredRelease(
      { metadata: { name: 'x' }, spec: { values: { b: 2, a: 1 } } },
      'helm.fluxcd.io',
    );
    const c = desiredRelease(
      {
        metadata: {
          name: 'x',
          annotations: { 'gitops.backstage.io/chart-version': '1.0.0' },
        },
        spec: { values: { a: 1, b: 2 } },
      },
      'helm.fluxcd.io',
    );
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
  });

  it('changes its fingerprint with the chart revision, not with a reconcile request', () => {
    const desired = (revision: string, requestedAt: string) =>
      desiredRelease(
        {
          metadata: {
            name: 'x',
            annotations: {
              'gitops.backstage.io/chart-version': '1.0.0',
              'gitops.backstage.io/chart-revision': revision,
              'reconcile.fluxcd.io/requestedAt': requestedAt,
            },
          },
          spec: { values: { a: 1 } },
        },
        'helm.toolkit.fluxcd.io',
      );
    const first = desired('aaaaaaa', '2024-05-01T10:00:00Z');
    expect(desired('bbbbbbb', first.requestedAt!).fingerprint).not.toBe(
      first.fingerprint,
    );
    expect(desired('aaaaaaa', '2024-05-02T10:00:00Z').fingerprint).toBe(
      first.fingerprint,
    );
  });
});

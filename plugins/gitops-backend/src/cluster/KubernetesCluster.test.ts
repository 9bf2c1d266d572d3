import {
  KubernetesDouble,
  kubeConfigFor,
  startKubernetesDouble,
} from '@backstage-gitops/kubernetes-double';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { ClusterRequestError } from './ClusterRequestError';
import {
  fieldManagerOf,
  KubernetesCluster,
  RECONCILE_REQUESTED_AT,
  REQUEST_FIELD_MANAGER,
} from './KubernetesCluster';

const helmRelease = (replicas: number) => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'podinfo', namespace: 'dev' },
  spec: {
    chart: { spec: { chart: 'podinfo', version: '0.2.0' } },
    values: { replicaCount: replicas },
  },
});

const FIELD_MANAGER = fieldManagerOf('dev');
const asDev = { fieldManager: FIELD_MANAGER };

describe('KubernetesCluster', () => {
  let double: KubernetesDouble;
  let cluster: KubernetesCluster;

  beforeEach(async () => {
    double = await startKubernetesDouble({
      namespaces: ['dev'],
      helmOperator: false,
    });
    cluster = new KubernetesCluster(kubeConfigFor(double));
  });
  afterEach(() => double.stop());

  it('lists Helm secrets by label, page after page', async () => {
    for (let i = 0; i < 1201; i++) {
      double.objects().put({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: `sh.helm.release.v1.app-${i}.v1`,
          namespace: 'dev',
          labels: { owner: 'helm', name: `app-${i}` },
        },
        data: { release: 'e30=' },
      });
    }
    double.objects().put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'unrelated', namespace: 'dev' },
    });
    double.resetRequests();
    const secrets = await cluster.listHelmSecrets('dev');
    expect(secrets).toHaveLength(1201);
    expect(secrets[0].metadata?.namespace).toBe('dev');
    // 500 a page: three requests, whatever the fleet.
    expect(double.requests().total).toBe(3);
  });

  it('reads HelmReleases of both API groups with one list each', async () => {
    await cluster.apply(helmRelease(1), asDev);
    const legacy = {
      apiVersion: 'helm.fluxcd.io/v1',
      kind: 'HelmRelease',
      metadata: { name: 'legacy', namespace: 'dev' },
      spec: {
        releaseName: 'legacy',
        chart: { git: 'x', path: 'charts/legacy' },
      },
    };
    await cluster.apply(legacy, asDev);
    double.resetRequests();
    const found = await cluster.listHelmReleases('dev');
    expect(found.map(r => `${r.apiVersion} ${r.metadata.name}`).sort()).toEqual(
      ['helm.fluxcd.io/v1 legacy', 'helm.toolkit.fluxcd.io/v2 podinfo'],
    );
    // Discovery once, then the lists only.
    expect(double.requestPaths()).toContain('GET /apis');
    expect(double.requests().total).toBe(3);
    double.resetRequests();
    await cluster.listHelmReleases('dev');
    expect(double.requests().total).toBe(2);
  });

  it('applies with its own field manager and reports a conflict with another manager as 409', async () => {
    await cluster.apply(helmRelease(1), asDev);
    const stored = double
      .objects()
      .get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'podinfo', 'dev')!;
    const managers = (
      stored.metadata as { managedFields: Array<{ manager: string }> }
    ).managedFields;
    expect(managers.map(m => m.manager)).toEqual([FIELD_MANAGER]);

    // Someone else takes the field over with kubectl; we never force.
    await KubernetesObjectApi.makeApiClient(kubeConfigFor(double)).patch(
      helmRelease(5),
      undefined,
      undefined,
      'kubectl',
      true,
      PatchStrategy.ServerSideApply,
    );
    const conflict = await cluster.apply(helmRelease(2), asDev).catch(e => e);
    expect(conflict).toBeInstanceOf(ClusterRequestError);
    expect(conflict.status).toBe(409);
    expect(conflict.message).toMatch(
      /^apply HelmRelease dev\/podinfo \(helm.toolkit.fluxcd.io\/v2\): 409 /,
    );
    expect(conflict.answered).toBe(true);
  });

  it('requests a reconcile under a manager of its own, leaving the spec to the applier', async () => {
    await cluster.apply(helmRelease(1), asDev);
    await cluster.requestReconcile(
      {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        namespace: 'dev',
        name: 'podinfo',
      },
      '2026-11-25T12:00:00Z',
    );
    const stored = double
      .objects()
      .get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'podinfo', 'dev')!;
    expect(
      (stored.metadata as { annotations: Record<string, string> }).annotations,
    ).toEqual({
      [RECONCILE_REQUESTED_AT]: '2026-11-25T12:00:00Z',
    });
    expect((stored.spec as { values: unknown }).values).toEqual({
      replicaCount: 1,
    });
    // Re-applying git's version (without the annotation) keeps the request.
    await cluster.apply(helmRelease(1), asDev);
    const again = double
      .objects()
      .get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'podinfo', 'dev')!;
    expect(
      (again.metadata as { annotations: Record<string, string> }).annotations[
        RECONCILE_REQUESTED_AT
      ],
    ).toBe('2026-11-25T12:00:00Z');
    const managers = (
      again.metadata as { managedFields: Array<{ manager: string }> }
    ).managedFields;
    expect(managers.map(m => m.manager).sort()).toEqual(
      [FIELD_MANAGER, REQUEST_FIELD_MANAGER].sort(),
    );
  });

  it('reads who manages an object, and deletes it only while it is the object read', async () => {
    const key = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      namespace: 'dev',
      name: 'podinfo',
    };
    expect(await cluster.read(key)).toBeUndefined();
    await cluster.apply(
      {
        ...helmRelease(1),
        metadata: { ...helmRelease(1).metadata, labels: { app: 'podinfo' } },
      },
      asDev,
    );
    const first = (await cluster.read(key))!;
    expect(first).toMatchObject({
      labels: { app: 'podinfo' },
      managers: [FIELD_MANAGER],
    });

    // Changed since it was read: the precondition refuses the delete.
    await cluster.apply(helmRelease(2), asDev);
    const stale = await cluster.remove(key, first).catch(e => e);
    expect(stale).toMatchObject({ status: 409 });
    expect(
      double.objects().get(key.apiVersion, key.kind, key.name, key.namespace),
    ).toBeDefined();

    const current = (await cluster.read(key))!;
    expect(await cluster.remove(key, current)).toBe('deleted');
    expect(await cluster.remove(key, current)).toBe('gone');
  });

  it('tells an unreachable cluster from a refusal', async () => {
    double.injectFault({ path: /\/secrets$/, status: 403 });
    const refused = await cluster.listHelmSecrets('dev').catch(e => e);
    expect(refused).toMatchObject({ status: 403, answered: true });
    expect(refused.message).toMatch(/^list Helm release Secrets in dev: 403 /);

    await double.setDown(true);
    const down = await cluster.listHelmSecrets('dev').catch(e => e);
    expect(down).toBeInstanceOf(ClusterRequestError);
    expect(down.answered).toBe(false);
    expect(down.message).toMatch(/cluster unreachable/);
    expect(down.message).not.toContain(double.token);
  });

  it('lists Flux objects at the version discovery names, across namespaces or in one', async () => {
    for (const namespace of ['dev', 'default']) {
      double.objects().put({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta2',
        kind: 'Kustomization',
        metadata: { name: `apps-${namespace}`, namespace },
        spec: { path: './apps/dev' },
        status: { lastAppliedRevision: 'main@sha1:abc' },
      });
    }
    double.resetRequests();
    const all = await cluster.listFluxObjects('Kustomization');
    expect(all).toMatchObject({
      served: true,
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    });
    const items = all.served ? all.items : [];
    expect(
      items.map(item => (item.metadata as { name: string }).name).sort(),
    ).toEqual(['apps-default', 'apps-dev']);
    expect(items[0]).toMatchObject({
      kind: 'Kustomization',
      status: { lastAppliedRevision: 'main@sha1:abc' },
    });
    const inDev = await cluster.listFluxObjects('Kustomization', 'dev');
    expect(inDev.served && inDev.items).toHaveLength(1);
    // One discovery for both lists.
    expect(
      double.requestPaths().filter(path => path === 'GET /apis'),
    ).toHaveLength(1);
  });

  it('follows continue tokens through a long list of Flux objects', async () => {
    for (let i = 0; i < 1203; i++) {
      double.objects().put({
        apiVersion: 'image.toolkit.fluxcd.io/v1',
        kind: 'ImagePolicy',
        metadata: { name: `policy-${i}`, namespace: 'dev' },
        spec: { imageRepositoryRef: { name: 'podinfo' } },
      });
    }
    double.resetRequests();
    const policies = await cluster.listFluxObjects('ImagePolicy', 'dev');
    expect(policies.served && policies.items).toHaveLength(1203);
    // /apis, then three pages of 500.
    expect(double.requests().total).toBe(4);
  });
});

describe('KubernetesCluster on a cluster serving only some Flux versions', () => {
  let double: KubernetesDouble;
  let cluster: KubernetesCluster;

  beforeEach(async () => {
    double = await startKubernetesDouble({
      namespaces: ['dev'],
      helmOperator: false,
      servedVersions: {
        'image.toolkit.fluxcd.io': ['v1beta2'],
        'helm.toolkit.fluxcd.io': ['v2beta2'],
        'kustomize.toolkit.fluxcd.io': [],
      },
    });
    cluster = new KubernetesCluster(kubeConfigFor(double));
  });
  afterEach(() => double.stop());

  it('reads the image group at v1beta2 and HelmReleases at v2beta2', async () => {
    double.objects().put({
      apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
      kind: 'ImagePolicy',
      metadata: { name: 'podinfo', namespace: 'dev' },
      spec: { policy: { semver: { range: '6.x' } } },
      status: { latestImage: 'ghcr.io/stefanprodan/podinfo:6.5.4' },
    });
    double.objects().put({
      ...helmRelease(1),
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta2',
    });
    const policies = await cluster.listFluxObjects('ImagePolicy', 'dev');
    expect(policies).toEqual({
      served: true,
      apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
      items: [
        expect.objectContaining({
          apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
          status: { latestImage: 'ghcr.io/stefanprodan/podinfo:6.5.4' },
        }),
      ],
    });
    const releases = await cluster.listHelmReleases('dev');
    expect(releases.map(r => `${r.apiVersion} ${r.metadata.name}`)).toEqual([
      'helm.toolkit.fluxcd.io/v2beta2 podinfo',
    ]);
  });

  it('says a kind is not served without asking for its list', async () => {
    double.resetRequests();
    expect(await cluster.listFluxObjects('Kustomization')).toEqual({
      served: false,
    });
    expect(double.requestPaths()).toEqual(['GET /apis']);
  });

  it('asks discovery again when a version it named answers 404', async () => {
    expect((await cluster.listFluxObjects('ImagePolicy')).served).toBe(true);
    double.injectFault({
      method: 'GET',
      path: /^\/apis\/image.toolkit.fluxcd.io\/v1beta2\/imagepolicies$/,
      status: 404,
    });
    expect(await cluster.listFluxObjects('ImagePolicy')).toEqual({
      served: false,
    });
    double.resetRequests();
    expect((await cluster.listFluxObjects('ImagePolicy')).served).toBe(true);
    expect(double.requestPaths()[0]).toBe('GET /apis');
  });
});

import {
  KubernetesObject,
  KubernetesObjectApi,
  VersionApi,
} from '@kubernetes/client-node';
import { kubeConfigFor } from './kubeConfigFor';
import { kubernetesDoubleForSuite } from './__testUtils__/kubernetesDoubleForSuite';
import { statusOfError } from './statusOfError';

describe('discovery', () => {
  const suite = kubernetesDoubleForSuite();
  const { get } = suite;

  it('describes the core API and the groups it serves', async () => {
    expect((await get('/api')).body).toMatchObject({
      kind: 'APIVersions',
      versions: ['v1'],
    });
    const groups = (await get('/apis')).body;
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups).toContainEqual({
      name: 'helm.toolkit.fluxcd.io',
      versions: [
        { groupVersion: 'helm.toolkit.fluxcd.io/v2', version: 'v2' },
        { groupVersion: 'helm.toolkit.fluxcd.io/v2beta2', version: 'v2beta2' },
        { groupVersion: 'helm.toolkit.fluxcd.io/v2beta1', version: 'v2beta1' },
      ],
      preferredVersion: {
        groupVersion: 'helm.toolkit.fluxcd.io/v2',
        version: 'v2',
      },
    });
  });

  it('lists resources with their plural, scope, kind and verbs', async () => {
    const core = (await get('/api/v1')).body;
    expect(core.resources).toContainEqual(
      expect.objectContaining({
        name: 'namespaces',
        namespaced: false,
        kind: 'Namespace',
      }),
    );
    expect(core.resources).toContainEqual(
      expect.objectContaining({
        name: 'secrets',
        namespaced: true,
        kind: 'Secret',
        verbs: expect.arrayContaining(['patch', 'list']),
      }),
    );
    const helm = (await get('/apis/helm.fluxcd.io/v1')).body;
    expect(helm).toMatchObject({
      kind: 'APIResourceList',
      groupVersion: 'helm.fluxcd.io/v1',
    });
    expect(
      helm.resources.map((resource: { name: string }) => resource.name),
    ).toEqual(['helmreleases', 'helmreleases/status']);
    expect((await get('/apis/example.com/v1')).status).toBe(404);
  });

  it('says it is simulated in /version, which needs no token', async () => {
    const version = await kubeConfigFor({
      url: suite.double.url,
      token: 'wrong',
    })
      .makeApiClient(VersionApi)
      .getCode();
    expect(version.gitVersion).toBe('v1.30.0-simulated');
    expect((await fetch(`${suite.double.url}/api`)).status).toBe(401);
  });

  it('lets KubernetesObjectApi resolve kinds, and refuses kinds it does not serve', async () => {
    const api = KubernetesObjectApi.makeApiClient(kubeConfigFor(suite.double));
    const missing = await api
      .read({
        apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
        kind: 'HelmRelease',
        metadata: { name: 'none', namespace: 'default' },
      })
      .catch(error => error);
    expect(statusOfError(missing)).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'helmreleases.helm.toolkit.fluxcd.io "none" not found',
    });
    await expect(
      api.read({
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w', namespace: 'default' },
      }),
    ).rejects.toThrow(/Widget/);
  });

  it('serves kinds registered later, as installing a CRD would', async () => {
    suite.double.registerType({
      group: 'example.com',
      versions: ['v1'],
      kind: 'Widget',
      plural: 'widgets',
    });
    const api = KubernetesObjectApi.makeApiClient(kubeConfigFor(suite.double));
    const created: KubernetesObject = await api.create({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'default' },
    });
    expect(created.metadata?.uid).toBeTruthy();
  });
});

import { ApisApi, CustomObjectsApi } from '@kubernetes/client-node';
import { kubeConfigFor } from './kubeConfigFor';
import { kubernetesDoubleForSuite } from './__testUtils__/kubernetesDoubleForSuite';
import { statusOfError } from './statusOfError';

const FLUX_KINDS = [
  {
    group: 'image.toolkit.fluxcd.io',
    plural: 'imagerepositories',
    kind: 'ImageRepository',
    versions: ['v1', 'v1beta2', 'v1beta1'],
  },
  {
    group: 'image.toolkit.fluxcd.io',
    plural: 'imagepolicies',
    kind: 'ImagePolicy',
    versions: ['v1', 'v1beta2', 'v1beta1'],
  },
  {
    group: 'image.toolkit.fluxcd.io',
    plural: 'imageupdateautomations',
    kind: 'ImageUpdateAutomation',
    versions: ['v1', 'v1beta2', 'v1beta1'],
  },
  {
    group: 'kustomize.toolkit.fluxcd.io',
    plural: 'kustomizations',
    kind: 'Kustomization',
    versions: ['v1', 'v1beta2'],
  },
  {
    group: 'source.toolkit.fluxcd.io',
    plural: 'gitrepositories',
    kind: 'GitRepository',
    versions: ['v1', 'v1beta2'],
  },
  {
    group: 'source.toolkit.fluxcd.io',
    plural: 'helmrepositories',
    kind: 'HelmRepository',
    versions: ['v1', 'v1beta2'],
  },
  {
    group: 'source.toolkit.fluxcd.io',
    plural: 'ocirepositories',
    kind: 'OCIRepository',
    versions: ['v1', 'v1beta2'],
  },
  {
    group: 'source.toolkit.fluxcd.io',
    plural: 'helmcharts',
    kind: 'HelmChart',
    versions: ['v1', 'v1beta2'],
  },
  {
    group: 'helm.toolkit.fluxcd.io',
    plural: 'helmreleases',
    kind: 'HelmRelease',
    versions: ['v2', 'v2beta2', 'v2beta1'],
  },
];

describe("Flux v2's kinds", () => {
  const suite = kubernetesDoubleForSuite({
    namespaces: ['flux-system'],
    helmOperator: false,
  });
  const custom = () =>
    kubeConfigFor(suite.double).makeApiClient(CustomObjectsApi);

  it('serves each kind at every version Flux serves, from one storage, with a status subresource', async () => {
    const api = custom();
    for (const { group, plural, kind, versions } of FLUX_KINDS) {
      const [created, ...others] = versions;
      await api.createNamespacedCustomObject({
        group,
        version: created,
        namespace: 'flux-system',
        plural,
        body: {
          apiVersion: `${group}/${created}`,
          kind,
          metadata: { name: 'one', namespace: 'flux-system' },
          spec: { suspend: false },
        },
      });
      await api.patchNamespacedCustomObjectStatus({
        group,
        version: created,
        namespace: 'flux-system',
        plural,
        name: 'one',
        body: [
          { op: 'add', path: '/status', value: { observedGeneration: 1 } },
        ],
      });
      for (const version of others) {
        const list = await api.listNamespacedCustomObject({
          group,
          version,
          namespace: 'flux-system',
          plural,
        });
        expect(list.items).toHaveLength(1);
        expect(list.items[0]).toMatchObject({
          apiVersion: `${group}/${version}`,
          kind,
          metadata: { name: 'one' },
          status: { observedGeneration: 1 },
        });
      }
      // A write to the object itself leaves status to the controllers.
      const replaced = await api.patchNamespacedCustomObject({
        group,
        version: others[0],
        namespace: 'flux-system',
        plural,
        name: 'one',
        body: [{ op: 'replace', path: '/spec/suspend', value: true }],
      });
      expect(replaced).toMatchObject({
        spec: { suspend: true },
        status: { observedGeneration: 1 },
      });
    }
  });

  it('names every Flux group in discovery, the newest version preferred', async () => {
    const groups = await kubeConfigFor(suite.double)
      .makeApiClient(ApisApi)
      .getAPIVersions();
    const byName = new Map(groups.groups.map(group => [group.name, group]));
    for (const { group, versions } of FLUX_KINDS) {
      expect(byName.get(group)?.versions.map(v => v.version)).toEqual(versions);
      expect(byName.get(group)?.preferredVersion?.version).toBe(versions[0]);
    }
    const kustomize = await suite.get(
      '/apis/kustomize.toolkit.fluxcd.io/v1beta2',
    );
    expect(
      kustomize.body.resources.map((r: { name: string }) => r.name),
    ).toEqual(['kustomizations', 'kustomizations/status']);
  });

  it('pages Kustomizations across namespaces with continue tokens', async () => {
    const api = custom();
    for (let i = 0; i < 5; i++) {
      suite.double.objects().put({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: {
          name: `page-${i}`,
          namespace: i % 2 ? 'default' : 'flux-system',
        },
        spec: { path: `./apps/env-${i}` },
      });
    }
    const names: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const page = await api.listClusterCustomObject({
        group: 'kustomize.toolkit.fluxcd.io',
        version: 'v1beta2',
        plural: 'kustomizations',
        limit: 2,
        _continue: cont,
      });
      pages++;
      names.push(
        ...page.items.map(
          (item: { metadata: { name: string } }) => item.metadata.name,
        ),
      );
      cont = page.metadata?.continue || undefined;
    } while (cont);
    expect(names.filter(name => name.startsWith('page-')).sort()).toEqual([
      'page-0',
      'page-1',
      'page-2',
      'page-3',
      'page-4',
    ]);
    expect(pages).toBeGreaterThanOrEqual(3);
  });
});

describe("a cluster serving only some of Flux's versions", () => {
  const suite = kubernetesDoubleForSuite({
    namespaces: ['flux-system'],
    helmOperator: false,
    servedVersions: {
      'image.toolkit.fluxcd.io': ['v1beta2'],
      'helm.toolkit.fluxcd.io': ['v2beta2'],
      'kustomize.toolkit.fluxcd.io': [],
    },
  });

  it('discovers and serves only those versions, and answers 404 for the rest', async () => {
    const groups = (await suite.get('/apis')).body.groups as Array<{
      name: string;
      versions: Array<{ version: string }>;
      preferredVersion: { version: string };
    }>;
    const image = groups.find(
      group => group.name === 'image.toolkit.fluxcd.io',
    );
    expect(image?.versions.map(v => v.version)).toEqual(['v1beta2']);
    expect(image?.preferredVersion.version).toBe('v1beta2');
    expect(
      groups.find(group => group.name === 'helm.toolkit.fluxcd.io')
        ?.preferredVersion.version,
    ).toBe('v2beta2');
    expect(
      groups.find(group => group.name === 'kustomize.toolkit.fluxcd.io'),
    ).toBeUndefined();
    // Groups not named keep every version.
    expect(
      groups.find(group => group.name === 'source.toolkit.fluxcd.io')?.versions,
    ).toHaveLength(2);

    const api = kubeConfigFor(suite.double).makeApiClient(CustomObjectsApi);
    const policies = await api.listNamespacedCustomObject({
      group: 'image.toolkit.fluxcd.io',
      version: 'v1beta2',
      namespace: 'flux-system',
      plural: 'imagepolicies',
    });
    expect(policies.items).toEqual([]);
    for (const [group, version, plural] of [
      ['image.toolkit.fluxcd.io', 'v1', 'imagepolicies'],
      ['helm.toolkit.fluxcd.io', 'v2', 'helmreleases'],
      ['kustomize.toolkit.fluxcd.io', 'v1', 'kustomizations'],
    ]) {
      const missing = await api
        .listNamespacedCustomObject({
          group,
          version,
          namespace: 'flux-system',
          plural,
        })
        .catch(error => error);
      expect(statusOfError(missing)?.code).toBe(404);
    }
  });
});

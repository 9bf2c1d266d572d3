import {
  CoreV1Api,
  KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { kubeConfigFor } from './kubeConfigFor';
import {
  RenderedKustomization,
  SimulatedKustomizeController,
} from './simulatedKustomizeController';
import {
  KubernetesDouble,
  startKubernetesDouble,
} from './startKubernetesDouble';

type FluxObject = KubernetesObject & {
  spec?: Record<string, any>;
  status?: Record<string, any>;
};

const REVISION_1 = 'main@sha1:1111111111111111111111111111111111111111';
const REVISION_2 = 'main@sha1:2222222222222222222222222222222222222222';

const namespace = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
});

const helmRelease = (name: string, tag: string) => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name, namespace: 'staging' },
  spec: {
    interval: '10m',
    chart: {
      spec: {
        chart: './charts/podinfo',
        version: '6.5.0',
        sourceRef: {
          kind: 'GitRepository',
          name: 'flux-system',
          namespace: 'flux-system',
        },
      },
    },
    values: { image: { repository: 'ghcr.io/stefanprodan/podinfo', tag } },
  },
});

describe('the simulated kustomize-controller', () => {
  let double: KubernetesDouble;
  let api: KubernetesObjectApi;
  let core: CoreV1Api;
  let rendered: RenderedKustomization;
  let renders: Array<{ path: string; source: unknown }>;
  let controller: SimulatedKustomizeController;

  const kustomization = (spec: Record<string, unknown> = {}): FluxObject => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'apps', namespace: 'flux-system' },
    spec: {
      interval: '10m0s',
      path: './apps/staging',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      ...spec,
    },
  });
  const read = (object: KubernetesObject) =>
    api.read(object as any) as Promise<FluxObject>;
  const readyOf = (object: FluxObject) =>
    object.status?.conditions?.find((c: any) => c.type === 'Ready');
  const exists = async (object: KubernetesObject) =>
    read(object).then(
      () => true,
      error => {
        if (error?.code === 404) return false;
        throw error;
      },
    );

  beforeEach(async () => {
    double = await startKubernetesDouble({ namespaces: ['flux-system'] });
    const config = kubeConfigFor(double);
    api = KubernetesObjectApi.makeApiClient(config);
    core = config.makeApiClient(CoreV1Api);
    renders = [];
    rendered = {
      revision: REVISION_1,
      objects: [namespace('staging'), helmRelease('podinfo', '6.5.0-rc.1')],
    };
    controller = new SimulatedKustomizeController({
      store: double.objects(),
      render: async (path, source) => {
        renders.push({ path, source });
        return rendered;
      },
    });
  });
  afterEach(() => double.stop());

  it('applies the built path as kustomize-controller and reports the applied revision as Flux does', async () => {
    const created = await api.create(kustomization());

    const outcomes = await controller.tick();

    expect(outcomes).toEqual([
      expect.objectContaining({ name: 'apps', result: 'applied' }),
    ]);
    expect(renders).toEqual([
      {
        path: './apps/staging',
        source: {
          kind: 'GitRepository',
          name: 'flux-system',
          namespace: 'flux-system',
        },
      },
    ]);
    const release = await read(helmRelease('podinfo', ''));
    expect(release.spec?.values.image.tag).toBe('6.5.0-rc.1');
    expect(release.metadata?.labels).toMatchObject({
      'kustomize.toolkit.fluxcd.io/name': 'apps',
      'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
    });
    expect(release.metadata?.managedFields).toContainEqual(
      expect.objectContaining({
        manager: 'kustomize-controller',
        operation: 'Apply',
      }),
    );
    await core.readNamespace({ name: 'staging' });

    const status = (await read(created)).status;
    expect(status).toMatchObject({
      observedGeneration: 1,
      lastAppliedRevision: REVISION_1,
      lastAttemptedRevision: REVISION_1,
      inventory: {
        entries: [
          { id: '_staging__Namespace', v: 'v1' },
          {
            id: 'staging_podinfo_helm.toolkit.fluxcd.io_HelmRelease',
            v: 'v2',
          },
        ],
      },
    });
    expect(readyOf({ status } as FluxObject)).toMatchObject({
      status: 'True',
      reason: 'ReconciliationSucceeded',
      message: `Applied revision: ${REVISION_1}`,
    });
  });

  it('hands what it applied to the simulated helm-controller, which installs it', async () => {
    await api.create(kustomization());
    await controller.tick();
    await double.operatorIdle();

    const release = await read(helmRelease('podinfo', ''));
    expect(readyOf(release)).toMatchObject({ status: 'True' });
    const secrets = await core.listNamespacedSecret({
      namespace: 'staging',
      labelSelector: 'owner=helm,name=podinfo',
    });
    expect(secrets.items).toHaveLength(1);
  });

  it('applies a new revision and changes nothing when the revision is the same', async () => {
    await api.create(kustomization());
    await controller.tick();
    const settled = await read(helmRelease('podinfo', ''));

    await controller.tick();
    expect(
      (await read(helmRelease('podinfo', ''))).metadata?.resourceVersion,
    ).toBe(settled.metadata?.resourceVersion);

    rendered = {
      revision: REVISION_2,
      objects: [namespace('staging'), helmRelease('podinfo', '6.5.1-rc.1')],
    };
    await controller.tick();
    expect(
      (await read(helmRelease('podinfo', ''))).spec?.values.image.tag,
    ).toBe('6.5.1-rc.1');
    expect((await read(kustomization())).status?.lastAppliedRevision).toBe(
      REVISION_2,
    );
  });

  it('on a build failure applies and deletes nothing, and says so in Ready', async () => {
    const created = await api.create(kustomization());
    await controller.tick();

    rendered = {
      revision: REVISION_2,
      error: 'accumulating resources: apps/base/podinfo: no such directory',
    };
    await controller.tick();

    expect(await exists(helmRelease('podinfo', ''))).toBe(true);
    const status = (await read(created)).status;
    expect(status).toMatchObject({
      lastAppliedRevision: REVISION_1,
      lastAttemptedRevision: REVISION_2,
    });
    expect(status?.inventory.entries).toHaveLength(2);
    expect(readyOf({ status } as FluxObject)).toMatchObject({
      status: 'False',
      reason: 'BuildFailed',
      message: expect.stringContaining('no such directory'),
    });
  });

  it('applies none of a set the cluster cannot take whole', async () => {
    const created = await api.create(kustomization());
    rendered = {
      revision: REVISION_1,
      objects: [
        namespace('staging'),
        helmRelease('podinfo', '6.5.0'),
        {
          apiVersion: 'example.com/v1',
          kind: 'Unknown',
          metadata: { name: 'x' },
        },
      ],
    };

    await controller.tick();

    expect(await exists(helmRelease('podinfo', ''))).toBe(false);
    expect(readyOf(await read(created))).toMatchObject({
      status: 'False',
      reason: 'ReconciliationFailed',
      message: expect.stringContaining('no matches for kind "Unknown"'),
    });
  });

  it.each([
    [true, false],
    [false, true],
  ])(
    'with spec.prune %s, an object no longer built is kept: %s',
    async (prune, kept) => {
      rendered = {
        revision: REVISION_1,
        objects: [
          namespace('staging'),
          helmRelease('podinfo', '6.5.0'),
          helmRelease('frontend', '1.0.0'),
        ],
      };
      await api.create(kustomization({ prune }));
      await controller.tick();
      rendered = {
        revision: REVISION_2,
        objects: [namespace('staging'), helmRelease('podinfo', '6.5.0')],
      };

      await controller.tick();

      expect(await exists(helmRelease('frontend', ''))).toBe(kept);
      expect(await exists(helmRelease('podinfo', ''))).toBe(true);
    },
  );

  it('never prunes an object another Kustomization has taken over', async () => {
    rendered = {
      revision: REVISION_1,
      objects: [namespace('staging'), helmRelease('frontend', '1.0.0')],
    };
    await api.create(kustomization());
    await controller.tick();
    const taken = await read(helmRelease('frontend', ''));
    taken.metadata!.labels!['kustomize.toolkit.fluxcd.io/name'] = 'other';
    await api.replace(taken);
    rendered = { revision: REVISION_2, objects: [namespace('staging')] };

    await controller.tick();

    expect(await exists(helmRelease('frontend', ''))).toBe(true);
  });

  it('leaves a suspended Kustomization alone', async () => {
    const created = await api.create(kustomization({ suspend: true }));

    expect(await controller.tick()).toEqual([
      expect.objectContaining({ result: 'suspended' }),
    ]);
    expect(renders).toEqual([]);
    expect(await exists(helmRelease('podinfo', ''))).toBe(false);
    expect((await read(created)).status).toBeUndefined();
  });
});

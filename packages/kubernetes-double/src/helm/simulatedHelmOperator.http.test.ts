import { gunzipSync } from 'node:zlib';
import {
  CoreV1Api,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  V1Secret,
} from '@kubernetes/client-node';
import { kubeConfigFor } from '../kubeConfigFor';
import {
  KubernetesDouble,
  startKubernetesDouble,
} from '../startKubernetesDouble';
import { HelmReleaseRecord } from './helmStorage';

type HelmReleaseObject = KubernetesObject & {
  spec: Record<string, unknown>;
  status?: Record<string, any>;
};

describe('the simulated Helm operator', () => {
  let double: KubernetesDouble;
  let api: KubernetesObjectApi;
  let core: CoreV1Api;

  const v1Release = (
    values: Record<string, unknown>,
    chartVersion = '0.2.0',
    extraAnnotations: Record<string, string> = {},
  ): HelmReleaseObject => ({
    apiVersion: 'helm.fluxcd.io/v1',
    kind: 'HelmRelease',
    metadata: {
      name: 'podinfo',
      namespace: 'dev',
      annotations: {
        'fluxcd.io/automated': 'true',
        'gitops.backstage.io/chart-version': chartVersion,
        ...extraAnnotations,
      },
    },
    spec: {
      chart: {
        git: 'ssh://git@example.com/config',
        path: 'charts/podinfo',
        ref: 'master',
      },
      values,
    },
  });
  const apply = (object: KubernetesObject) =>
    api.patch(
      object,
      undefined,
      undefined,
      'gitops',
      true,
      PatchStrategy.ServerSideApply,
    ) as Promise<HelmReleaseObject>;
  const read = (object: KubernetesObject) =>
    api.read({
      apiVersion: object.apiVersion ?? '',
      kind: object.kind ?? '',
      metadata: {
        name: object.metadata?.name ?? '',
        namespace: object.metadata?.namespace,
      },
    }) as Promise<HelmReleaseObject>;

  /** Revisions as a client finds them: Helm's labels, then decode twice and gunzip. */
  const revisions = async (namespace: string, release: string) => {
    const secrets = await core.listNamespacedSecret({
      namespace,
      labelSelector: `owner=helm,name=${release}`,
    });
    return secrets.items
      .map((secret: V1Secret) => {
        const helmEncoded = Buffer.from(
          secret.data!.release,
          'base64',
        ).toString('utf8');
        const record = JSON.parse(
          gunzipSync(Buffer.from(helmEncoded, 'base64')).toString('utf8'),
        ) as HelmReleaseRecord;
        return { secret, record };
      })
      .sort((a, b) => a.record.version - b.record.version);
  };
  const statuses = async (namespace: string, release: string) =>
    (await revisions(namespace, release)).map(
      ({ secret, record }) =>
        `v${record.version} ${record.info.status} ${secret.metadata?.labels?.status}`,
    );

  beforeEach(async () => {
    double = await startKubernetesDouble({
      namespaces: ['dev', 'flux-system'],
    });
    const kubeConfig = kubeConfigFor(double);
    api = KubernetesObjectApi.makeApiClient(kubeConfig);
    core = kubeConfig.makeApiClient(CoreV1Api);
  });
  afterEach(() => double.stop());

  it('installs and upgrades a v1 HelmRelease exactly as Helm 3 records it', async () => {
    await apply(
      v1Release({ image: { repository: 'podinfo', tag: 'dev-aaaaaaa' } }),
    );

    const [first] = await revisions('dev', 'dev-podinfo');
    expect(first.secret).toMatchObject({
      type: 'helm.sh/release.v1',
      metadata: {
        name: 'sh.helm.release.v1.dev-podinfo.v1',
        namespace: 'dev',
        labels: {
          name: 'dev-podinfo',
          owner: 'helm',
          status: 'deployed',
          version: '1',
        },
      },
    });
    expect(first.record).toEqual({
      name: 'dev-podinfo',
      namespace: 'dev',
      version: 1,
      info: {
        first_deployed: expect.any(String),
        last_deployed: expect.any(String),
        deleted: '',
        description: 'Install complete',
        status: 'deployed',
        notes: '',
      },
      chart: {
        metadata: {
          name: 'podinfo',
          version: '0.2.0',
          appVersion: '0.2.0',
          apiVersion: 'v2',
        },
        values: {},
        templates: [],
      },
      config: { image: { repository: 'podinfo', tag: 'dev-aaaaaaa' } },
      manifest: '',
    });

    await apply(
      v1Release({ image: { repository: 'podinfo', tag: 'dev-bbbbbbb' } }),
    );
    expect(await statuses('dev', 'dev-podinfo')).toEqual([
      'v1 superseded superseded',
      'v2 deployed deployed',
    ]);
    const second = (await revisions('dev', 'dev-podinfo'))[1].record;
    expect(second.info.description).toBe('Upgrade complete');
    expect(second.info.first_deployed).toBe(first.record.info.first_deployed);
    expect(second.config).toEqual({
      image: { repository: 'podinfo', tag: 'dev-bbbbbbb' },
    });

    await apply(
      v1Release(
        { image: { repository: 'podinfo', tag: 'dev-bbbbbbb' } },
        '0.2.1',
      ),
    );
    expect(await statuses('dev', 'dev-podinfo')).toEqual([
      'v1 superseded superseded',
      'v2 superseded superseded',
      'v3 deployed deployed',
    ]);
    expect(
      (await revisions('dev', 'dev-podinfo'))[2].record.chart.metadata.version,
    ).toBe('0.2.1');

    const helmRelease = await read(v1Release({}));
    expect(helmRelease.status).toMatchObject({
      phase: 'Succeeded',
      releaseName: 'dev-podinfo',
      releaseStatus: 'deployed',
      revision: '0.2.1',
      lastAttemptedRevision: '0.2.1',
      observedGeneration: helmRelease.metadata?.generation,
      conditions: expect.arrayContaining([
        expect.objectContaining({ type: 'Released', status: 'True' }),
        expect.objectContaining({ type: 'Deployed', status: 'True' }),
      ]),
    });
  });

  it('makes no revision for an identical spec, nor for a reconcile request alone', async () => {
    const values = { image: { repository: 'podinfo', tag: 'dev-aaaaaaa' } };
    await apply(v1Release(values));
    await apply(v1Release(values));
    // Writes that leave spec and chart annotations alone do not count either.
    await apply(v1Release(values, '0.2.0', { 'fluxcd.io/locked': 'true' }));
    await apply(
      v1Release(values, '0.2.0', {
        'reconcile.fluxcd.io/requestedAt': '2024-05-01T10:00:00Z',
      }),
    );
    expect(await statuses('dev', 'dev-podinfo')).toEqual([
      'v1 deployed deployed',
    ]);
    expect((await read(v1Release({}))).status).toMatchObject({
      phase: 'Succeeded',
      releaseStatus: 'deployed',
    });
  });

  it('upgrades when the chart revision changes under the same version', async () => {
    const values = { tag: 'a' };
    await apply(
      v1Release(values, '0.2.0', {
        'gitops.backstage.io/chart-revision': 'aaaaaaa',
      }),
    );
    await apply(
      v1Release(values, '0.2.0', {
        'gitops.backstage.io/chart-revision': 'bbbbbbb',
      }),
    );
    expect(await statuses('dev', 'dev-podinfo')).toEqual([
      'v1 superseded superseded',
      'v2 deployed deployed',
    ]);
    const [first, second] = await revisions('dev', 'dev-podinfo');
    expect(second.record.chart.metadata.version).toBe('0.2.0');
    expect(second.record.config).toEqual(first.record.config);
  });

  it('acknowledges a reconcile request on a v2 HelmRelease without a new revision', async () => {
    const v2Release = (
      annotations: Record<string, string> = {},
    ): HelmReleaseObject => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'podinfo', namespace: 'dev', annotations },
      spec: {
        chart: { spec: { chart: 'podinfo', version: '6.0.0' } },
        values: { tag: 'a' },
      },
    });
    await apply(v2Release());
    expect((await read(v2Release())).status).not.toHaveProperty(
      'lastHandledReconcileAt',
    );

    await apply(
      v2Release({ 'reconcile.fluxcd.io/requestedAt': '2024-05-01T10:00:00Z' }),
    );
    const status = (await read(v2Release())).status;
    expect(status).toMatchObject({
      lastHandledReconcileAt: '2024-05-01T10:00:00Z',
      conditions: [
        expect.objectContaining({ type: 'Ready', status: 'True' }),
        expect.objectContaining({ type: 'Released', status: 'True' }),
      ],
    });
    expect(status?.history).toHaveLength(1);
    expect(await statuses('dev', 'podinfo')).toEqual(['v1 deployed deployed']);
  });

  it('keeps history on a v2 HelmRelease, newest first', async () => {
    const v2Release = (version: string): HelmReleaseObject => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'podinfo', namespace: 'flux-system' },
      spec: {
        targetNamespace: 'dev',
        chart: {
          spec: {
            chart: './charts/podinfo',
            version,
            sourceRef: { kind: 'GitRepository', name: 'config' },
          },
        },
        values: { replicaCount: 2 },
      },
    });
    await apply(v2Release('0.2.0'));
    await apply(v2Release('0.2.1'));

    // helm-controller names it <targetNamespace>-<name> and stores it in the HelmRelease's namespace.
    expect(await statuses('flux-system', 'dev-podinfo')).toEqual([
      'v1 superseded superseded',
      'v2 deployed deployed',
    ]);
    expect(
      (await revisions('flux-system', 'dev-podinfo'))[1].record.namespace,
    ).toBe('dev');
    const helmRelease = await read(v2Release('0.2.1'));
    expect(helmRelease.status).toMatchObject({
      observedGeneration: 2,
      lastAttemptedRevision: '0.2.1',
      lastAttemptedReleaseAction: 'upgrade',
      conditions: [
        expect.objectContaining({
          type: 'Ready',
          status: 'True',
          reason: 'UpgradeSucceeded',
        }),
        expect.objectContaining({
          type: 'Released',
          status: 'True',
          reason: 'UpgradeSucceeded',
        }),
      ],
      history: [
        expect.objectContaining({
          chartName: 'podinfo',
          chartVersion: '0.2.1',
          version: 2,
          status: 'deployed',
        }),
        expect.objectContaining({
          chartName: 'podinfo',
          chartVersion: '0.2.0',
          version: 1,
          status: 'superseded',
        }),
      ],
    });
  });

  it('fails the next upgrade when asked, leaving the deployed revision in place', async () => {
    await apply(v1Release({ tag: 'a' }));
    double.failNextUpgrade('dev', 'dev-podinfo');
    await apply(v1Release({ tag: 'b' }));

    expect(await statuses('dev', 'dev-podinfo')).toEqual([
      'v1 deployed deployed',
      'v2 failed failed',
    ]);
    const failed = (await revisions('dev', 'dev-podinfo'))[1].record;
    expect(failed.info.description).toBe(
      'Upgrade "dev-podinfo" failed: simulated failure requested by the test',
    );
    expect((await read(v1Release({}))).status).toMatchObject({
      phase: 'DeployFailed',
      releaseStatus: 'failed',
      revision: '0.2.0',
      conditions: expect.arrayContaining([
        expect.objectContaining({ type: 'Released', status: 'False' }),
      ]),
    });

    await apply(v1Release({ tag: 'c' }));
    expect(await statuses('dev', 'dev-podinfo')).toEqual([
      'v1 superseded superseded',
      'v2 failed failed',
      'v3 deployed deployed',
    ]);
  });

  it('retries a failed upgrade when asked to reconcile, with the same spec', async () => {
    await apply(v1Release({ tag: 'a' }));
    double.failNextUpgrade('dev', 'dev-podinfo');
    await apply(v1Release({ tag: 'b' }));
    await apply(
      v1Release({ tag: 'b' }, '0.2.0', {
        'reconcile.fluxcd.io/requestedAt': '2024-05-01T10:00:00Z',
      }),
    );
    expect(await statuses('dev', 'dev-podinfo')).toEqual([
      'v1 superseded superseded',
      'v2 failed failed',
      'v3 deployed deployed',
    ]);
    expect((await revisions('dev', 'dev-podinfo'))[2].record.config).toEqual({
      tag: 'b',
    });
  });

  it('reports a failed v2 upgrade as Ready False', async () => {
    const v2Release = (tag: string): HelmReleaseObject => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
      kind: 'HelmRelease',
      metadata: { name: 'podinfo', namespace: 'dev' },
      spec: {
        chart: { spec: { chart: 'podinfo', version: '6.0.0' } },
        values: { tag },
      },
    });
    await apply(v2Release('a'));
    double.failNextUpgrade(
      'dev',
      'podinfo',
      'timed out waiting for the condition',
    );
    await apply(v2Release('b'));
    const status = (await read(v2Release('b'))).status;
    expect(status?.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'False',
      reason: 'UpgradeFailed',
    });
    expect(status?.conditions[0].message).toContain(
      'timed out waiting for the condition',
    );
    expect(status?.history[0]).toMatchObject({ version: 2, status: 'failed' });
    expect(status?.upgradeFailures).toBe(1);
  });

  it('leaves a stalled upgrade pending and then reports another operation in progress', async () => {
    await apply(v1Release({ tag: 'a' }));
    double.stallNextUpgrade('dev', 'dev-podinfo');
    await apply(v1Release({ tag: 'b' }));
    expect(await statuses('dev', 'dev-podinfo')).toEqual([
      'v1 deployed deployed',
      'v2 pending-upgrade pending-upgrade',
    ]);
    expect((await read(v1Release({}))).status).toMatchObject({
      phase: 'Upgrading',
      releaseStatus: 'pending-upgrade',
    });

    await apply(v1Release({ tag: 'c' }));
    expect(await statuses('dev', 'dev-podinfo')).toHaveLength(2);
    const status = (await read(v1Release({}))).status;
    expect(status?.phase).toBe('DeployFailed');
    expect(JSON.stringify(status?.conditions)).toContain(
      'another operation (install/upgrade/rollback) is in progress',
    );
  });

  it('waits for a missing target namespace, and uninstalls when the HelmRelease goes', async () => {
    const release = {
      ...v1Release({ tag: 'a' }),
      spec: { ...v1Release({ tag: 'a' }).spec, targetNamespace: 'stg' },
    };
    await apply(release);
    expect((await read(release)).status).toMatchObject({
      phase: 'DeployFailed',
    });
    expect(await statuses('stg', 'stg-podinfo')).toEqual([]);

    await api.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'stg' },
    });
    expect(await statuses('stg', 'stg-podinfo')).toEqual([
      'v1 deployed deployed',
    ]);

    await api.delete(release);
    expect(await statuses('stg', 'stg-podinfo')).toEqual([]);
  });

  it('acts after operatorDelayMs when asked to, like a controller queue', async () => {
    await double.stop();
    double = await startKubernetesDouble({
      namespaces: ['dev'],
      operatorDelayMs: 50,
    });
    const kubeConfig = kubeConfigFor(double);
    api = KubernetesObjectApi.makeApiClient(kubeConfig);
    core = kubeConfig.makeApiClient(CoreV1Api);

    await apply(v1Release({ tag: 'a' }));
    expect(await statuses('dev', 'dev-podinfo')).toEqual([]);
    await double.operatorIdle();
    expect(await statuses('dev', 'dev-podinfo')).toEqual([
      'v1 deployed deployed',
    ]);
  });
});

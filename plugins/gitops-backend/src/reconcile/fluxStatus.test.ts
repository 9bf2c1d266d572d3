import { KubeObject } from '@backstage-gitops/kubernetes-double';
import {
  createReconcileFixture,
  ReconcileFixture,
} from './__testUtils__/reconcileFixture';

jest.setTimeout(60_000);

const V2 = 'helm.toolkit.fluxcd.io/v2';
const KUSTOMIZE = 'kustomize.toolkit.fluxcd.io/v1';
const OLD_SHA = '0123456789abcdef0123456789abcdef01234567';

const helmReleaseFile = (replicas: number) => `apiVersion: ${V2}
kind: HelmRelease
metadata:
  name: podinfo
  namespace: dev
spec:
  interval: 5m
  chart:
    spec:
      chart: podinfo
      version: '6.5.x'
      sourceRef:
        kind: HelmRepository
        name: podinfo
  values:
    replicaCount: ${replicas}
`;

const snapshot = (version: number, status: string, chartVersion: string) => ({
  version,
  name: 'podinfo',
  namespace: 'dev',
  chartName: 'podinfo',
  chartVersion,
  appVersion: chartVersion,
  configDigest: `sha256:config-${version}`,
  digest: `sha256:release-${version}`,
  status,
  firstDeployed: '2026-11-01T10:00:00Z',
  lastDeployed: `2026-11-0${version}T10:00:00Z`,
  testHooks: {
    'podinfo-grpc-test': { phase: version === 3 ? 'Failed' : 'Succeeded' },
  },
});

/** helm-controller's status after a failed upgrade to 6.5.4 it rolled back. */
const failedUpgradeStatus = {
  observedGeneration: 1,
  lastAttemptedRevision: '6.5.4',
  lastAttemptedConfigDigest: 'sha256:config-3',
  history: [
    snapshot(3, 'failed', '6.5.4'),
    snapshot(2, 'deployed', '6.5.3'),
    snapshot(1, 'superseded', '6.5.2'),
  ],
  conditions: [
    {
      type: 'Ready',
      status: 'False',
      reason: 'UpgradeFailed',
      message:
        'Helm upgrade failed for release dev/podinfo with chart podinfo@6.5.4: timed out',
      lastTransitionTime: '2026-11-03T10:05:00Z',
    },
    {
      type: 'Released',
      status: 'False',
      reason: 'UpgradeFailed',
      message: 'upgrade failed',
      lastTransitionTime: '2026-11-03T10:05:00Z',
    },
    {
      type: 'TestSuccess',
      status: 'False',
      reason: 'TestFailed',
      message: 'test hook podinfo-grpc-test failed',
      lastTransitionTime: '2026-11-03T10:04:00Z',
    },
    {
      type: 'Remediated',
      status: 'True',
      reason: 'RollbackSucceeded',
      message: 'Helm rollback to previous release dev/podinfo.v2 succeeded',
      lastTransitionTime: '2026-11-03T10:06:00Z',
    },
  ],
};

describe('status from Flux, when Flux runs the cluster (apply: false)', () => {
  let fixture: ReconcileFixture;

  async function start(
    double: Parameters<typeof createReconcileFixture>[0]['double'] = {},
  ) {
    fixture = await createReconcileFixture({
      files: { 'releases/dev/podinfo.yaml': helmReleaseFile(1) },
      environments: ['dev'],
      apply: false,
      double: {
        namespaces: ['dev', 'flux-system'],
        helmOperator: false,
        ...double,
      },
    });
  }
  afterEach(() => fixture?.close());

  function putHelmRelease(
    status: Record<string, unknown>,
    suspend = false,
  ): void {
    fixture.double.objects().put({
      apiVersion: V2,
      kind: 'HelmRelease',
      metadata: { name: 'podinfo', namespace: 'dev', generation: 1 },
      spec: {
        interval: '5m',
        ...(suspend ? { suspend: true } : {}),
        chart: {
          spec: {
            chart: 'podinfo',
            version: '6.5.x',
            sourceRef: { kind: 'HelmRepository', name: 'podinfo' },
          },
        },
        values: { replicaCount: 1 },
      },
      status,
    } as KubeObject);
  }

  function putKustomization(
    status: Record<string, unknown>,
    spec: Record<string, unknown> = {},
  ): void {
    fixture.double.objects().put({
      apiVersion: KUSTOMIZE,
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: './releases/dev',
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        ...spec,
      },
      status,
    } as KubeObject);
  }

  /** Flux runs the cluster: the plugin's account may not read Helm's Secrets. */
  const refuseSecrets = () =>
    fixture.double.injectFault({
      method: 'GET',
      path: /^\/api\/v1\/namespaces\/dev\/secrets$/,
      status: 403,
      times: Infinity,
    });

  const devStatus = async () =>
    (await fixture.clusterStateStore.listReleaseStatuses('demo')).find(
      s => s.environment === 'dev',
    )!;
  const devFlux = async () =>
    (await fixture.clusterStateStore.listEnvironmentFluxStatuses()).find(
      s => s.environment === 'dev',
    );
  const gitCommit = async () =>
    (await fixture.syncStateStore.listRepositories()).find(
      r => r.id === 'config',
    )!.lastCommit!;

  it("reports a failed, remediated upgrade with failed tests, and Helm's history from status.history", async () => {
    await start();
    putHelmRelease(failedUpgradeStatus);
    refuseSecrets();
    expect(await fixture.cycle()).toMatchObject({ status: 'reconciled' });

    const status = await devStatus();
    expect(status.state).toBe('Failed');
    expect(status.error).toBeUndefined();
    expect(status.reason).toContain('UpgradeFailed: Helm upgrade failed');
    expect(status.reason).toContain(
      'tests failed: TestFailed: test hook podinfo-grpc-test failed',
    );
    expect(status.reason).toContain('remediated: RollbackSucceeded');
    expect(status).toMatchObject({ revision: 3, chartVersion: '6.5.4' });
    expect(status.flux).toEqual({
      apiVersion: V2,
      suspended: false,
      conditions: [
        expect.objectContaining({
          type: 'Ready',
          status: 'False',
          reason: 'UpgradeFailed',
        }),
        expect.objectContaining({ type: 'Released', status: 'False' }),
        expect.objectContaining({
          type: 'Remediated',
          status: 'True',
          reason: 'RollbackSucceeded',
        }),
        expect.objectContaining({
          type: 'TestSuccess',
          status: 'False',
          reason: 'TestFailed',
        }),
      ],
      lastAttemptedRevision: '6.5.4',
      lastAttemptedConfigDigest: 'sha256:config-3',
      lastAppliedRevision: '6.5.4',
      lastAppliedConfigDigest: 'sha256:config-3',
      attemptDiffers: false,
      historyFromStatus: true,
    });
    const history = await fixture.clusterStateStore.getHelmHistory({
      environment: 'dev',
      namespace: 'dev',
      name: 'podinfo',
    });
    expect(history?.revisions).toEqual([
      expect.objectContaining({
        revision: 3,
        status: 'failed',
        chartVersion: '6.5.4',
        description: 'tests: podinfo-grpc-test Failed',
      }),
      expect.objectContaining({
        revision: 2,
        status: 'deployed',
        chartVersion: '6.5.3',
      }),
      expect.objectContaining({
        revision: 1,
        status: 'superseded',
        chartVersion: '6.5.2',
      }),
    ]);
  });

  it('tells an attempt that differs from what is applied, and a suspended HelmRelease', async () => {
    await start();
    putHelmRelease(
      {
        observedGeneration: 1,
        lastAttemptedRevision: '6.5.4',
        history: [
          snapshot(2, 'deployed', '6.5.3'),
          snapshot(1, 'superseded', '6.5.2'),
        ],
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'UpgradeSucceeded',
            message: 'ok',
          },
        ],
      },
      true,
    );
    refuseSecrets();
    await fixture.cycle();
    const status = await devStatus();
    expect(status.reason).toMatch(
      /^suspended \(spec\.suspend\), Flux does not act on it; /,
    );
    expect(status.flux).toMatchObject({
      suspended: true,
      lastAttemptedRevision: '6.5.4',
      lastAppliedRevision: '6.5.3',
      attemptDiffers: true,
    });
  });

  it('keeps the last known state of a v1-style release whose Secrets are refused', async () => {
    await start();
    // No status.history: nothing stands in for Helm's Secrets.
    putHelmRelease({ observedGeneration: 1, conditions: [] });
    refuseSecrets();
    await fixture.cycle();
    expect((await devStatus()).error).toMatch(/403/);
  });

  it('says git is ahead of what the Kustomization applied, then in sync', async () => {
    await start();
    putHelmRelease(failedUpgradeStatus);
    putKustomization({
      lastAppliedRevision: `main@sha1:${OLD_SHA}`,
      lastAttemptedRevision: `main@sha1:${OLD_SHA}`,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'ReconciliationSucceeded',
          message: `Applied revision: main@sha1:${OLD_SHA}`,
        },
      ],
    });
    await fixture.cycle();
    expect(await devFlux()).toEqual({
      environment: 'dev',
      cluster: 'demo',
      kustomization: {
        namespace: 'flux-system',
        name: 'apps',
        ready: expect.objectContaining({
          status: 'True',
          reason: 'ReconciliationSucceeded',
        }),
        lastAppliedRevision: `main@sha1:${OLD_SHA}`,
        appliedCommit: OLD_SHA,
        lastAttemptedRevision: `main@sha1:${OLD_SHA}`,
        attemptedCommit: OLD_SHA,
        suspended: false,
      },
      observedAt: expect.any(String),
    });
    expect(await gitCommit()).not.toBe(OLD_SHA);

    // Flux catches up, in the older revision format.
    putKustomization({ lastAppliedRevision: `main/${await gitCommit()}` });
    await fixture.reconciler.run();
    expect((await devFlux())?.kustomization?.appliedCommit).toBe(
      await gitCommit(),
    );
  });

  it('reports a suspended Kustomization and one that is not ready', async () => {
    await start();
    putKustomization(
      {
        lastAppliedRevision: `main@sha1:${OLD_SHA}`,
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'BuildFailed',
            message: 'kustomization path not found',
          },
        ],
      },
      { suspend: true },
    );
    await fixture.cycle();
    expect((await devFlux())?.kustomization).toMatchObject({
      suspended: true,
      ready: {
        status: 'False',
        reason: 'BuildFailed',
        message: 'kustomization path not found',
      },
    });
  });

  it('says when no Kustomization applies the folder', async () => {
    await start();
    putKustomization({}, { path: './apps/prod' });
    await fixture.cycle();
    expect((await devFlux())?.problem).toBe(
      'no Kustomization in the cluster applies ./releases/dev',
    );
  });

  it('keeps the Kustomization last read when the list fails', async () => {
    await start();
    putKustomization({ lastAppliedRevision: `main@sha1:${OLD_SHA}` });
    await fixture.cycle();
    fixture.double.injectFault({
      method: 'GET',
      path: /^\/apis\/kustomize\.toolkit\.fluxcd\.io\/v1\/kustomizations$/,
      status: 403,
    });
    await fixture.reconciler.run();
    const flux = await devFlux();
    expect(flux?.problem).toMatch(/^Kustomizations not read: .*403/);
    expect(flux?.kustomization?.appliedCommit).toBe(OLD_SHA);
  });

  it('carries on in a cluster without the kustomize CRDs, with one discovery and no list', async () => {
    await start({ servedVersions: { 'kustomize.toolkit.fluxcd.io': [] } });
    putHelmRelease(failedUpgradeStatus);
    fixture.double.resetRequests();
    expect(await fixture.cycle()).toMatchObject({ status: 'reconciled' });
    expect(await devFlux()).toMatchObject({
      problem: 'Flux kustomize API not served',
    });
    expect((await devStatus()).state).toBe('Failed');
    expect(
      fixture.double.requestPaths().filter(p => p.includes('kustomize')),
    ).toEqual([]);
  });

  it('reads nothing of Flux for environments the plugin applies', async () => {
    fixture = await createReconcileFixture({
      files: { 'releases/dev/podinfo.yaml': helmReleaseFile(1) },
      environments: ['dev'],
      apply: true,
      double: { namespaces: ['dev'] },
    });
    await fixture.cycle();
    fixture.double.resetRequests();
    await fixture.reconciler.run();
    expect(
      fixture.double.requestPaths().filter(p => p.includes('kustomiz')),
    ).toEqual([]);
    expect(await devFlux()).toBeUndefined();
  });
});

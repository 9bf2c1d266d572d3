import {
  GITOPS_ANNOTATION_CHART_VERSION,
  GITOPS_ANNOTATION_SOURCE_PATH,
  GITOPS_LABEL_SOURCE_REPOSITORY,
} from '@backstage-gitops/plugin-gitops-common';
import { exampleConfigRepoFiles } from '../__testUtils__/exampleConfigRepo';
import {
  createReconcileFixture,
  ReconcileFixture,
} from './__testUtils__/reconcileFixture';

jest.setTimeout(60_000);

const HR = 'helm.fluxcd.io/v1';
// The seed names the stg release podinfo-rc.
const releaseName = (environment: string) =>
  environment === 'stg' ? 'podinfo-rc' : `podinfo-${environment}`;
const key = (environment: string) => ({
  environment,
  namespace: environment,
  name: releaseName(environment),
});

describe('ClusterReconciler', () => {
  let fixture: ReconcileFixture;
  let files: Record<string, string>;

  async function start(options: Partial<Parameters<typeof createReconcileFixture>[0]> = {}) {
    files = await exampleConfigRepoFiles();
    fixture = await createReconcileFixture({
      files,
      environments: ['dev', 'stg', 'prod'],
      ...options,
    });
  }

  const statuses = async () =>
    Object.fromEntries(
      (await fixture.store.listReleaseStatuses('demo')).map(s => [s.environment, s]),
    );
  const history = async (environment: string) =>
    (await fixture.store.getHelmHistory(key(environment)))?.revisions.map(
      r => `${r.revision} ${r.status} ${r.chartVersion}`,
    );
  const writes = () =>
    Object.entries(fixture.double.requests().byRoute)
      .filter(([route]) => !route.startsWith('GET '))
      .reduce((sum, [, n]) => sum + n, 0);
  const bumpChart = (version: string) => ({
    'charts/podinfo/Chart.yaml': files['charts/podinfo/Chart.yaml'].replace(
      /^version: .*$/m,
      `version: ${version}`,
    ),
  });
  const setReplicas = (environment: string, replicas: number) => ({
    [`releases/${environment}/podinfo.yaml`]: files[
      `releases/${environment}/podinfo.yaml`
    ].replace(/replicaCount: \d+/, `replicaCount: ${replicas}`),
  });

  afterEach(() => fixture?.close());

  it('applies namespaces and HelmReleases marked with their source, and reports them Synced', async () => {
    await start();
    expect(await fixture.cycle()).toMatchObject({ status: 'reconciled', releases: 3 });

    const objects = fixture.double.objects();
    for (const env of ['dev', 'stg', 'prod']) {
      expect(objects.get('v1', 'Namespace', env)).toBeDefined();
      const hr = objects.get(HR, 'HelmRelease', releaseName(env), env)!;
      expect(hr.metadata).toMatchObject({
        labels: { app: 'podinfo', [GITOPS_LABEL_SOURCE_REPOSITORY]: 'config' },
        annotations: {
          [GITOPS_ANNOTATION_SOURCE_PATH]: `releases/${env}/podinfo.yaml`,
          [GITOPS_ANNOTATION_CHART_VERSION]: '0.2.0',
        },
      });
      expect((hr.metadata as { managedFields: Array<{ manager: string }> }).managedFields[0].manager).toBe(
        'backstage-gitops',
      );
    }
    // The adm namespace belongs to no environment here, nor does sealed-secrets.
    expect(objects.get('v1', 'Namespace', 'adm')).toBeUndefined();

    const byEnv = await statuses();
    expect(byEnv.dev).toMatchObject({
      state: 'Synced',
      revision: 1,
      chartVersion: '0.2.0',
      cluster: 'demo',
    });
    expect(byEnv.prod.state).toBe('Synced');
    expect(await history('stg')).toEqual(['1 deployed 0.2.0']);
    const events = await fixture.store.listEvents({
      releases: [key('dev')],
      repositoryIds: [],
      limit: 10,
    });
    expect(events.find(e => e.type === 'release-state')).toMatchObject({
      message: expect.stringMatching(/^Synced: deployed podinfo-0\.2\.0 revision 1/),
      details: { cluster: 'demo', from: null, to: 'Synced', revision: 1 },
    });
  });

  it('sends nothing but three lists per namespace when nothing changed', async () => {
    await start();
    await fixture.cycle();
    fixture.double.resetRequests();
    await fixture.cycle();
    expect(writes()).toBe(0);
    // dev, stg, prod: HelmReleases of two API groups and Helm's Secrets each.
    expect(fixture.double.requests().total).toBe(9);
    expect((await fixture.store.listClusters())[0].lastReconciledAt).toBeDefined();
  });

  it('turns a chart bump into a new revision of every release of the chart (the seed story)', async () => {
    await start();
    await fixture.cycle();
    await fixture.push(setReplicas('dev', 2));
    await fixture.push(bumpChart('0.2.1'));

    expect(await history('dev')).toEqual([
      '3 deployed 0.2.1',
      '2 superseded 0.2.0',
      '1 superseded 0.2.0',
    ]);
    expect(await history('stg')).toEqual(['2 deployed 0.2.1', '1 superseded 0.2.0']);
    expect(await history('prod')).toEqual(['2 deployed 0.2.1', '1 superseded 0.2.0']);
    expect((await statuses()).dev).toMatchObject({ state: 'Synced', revision: 3, chartVersion: '0.2.1' });
  });

  it('upgrades on new chart contents under the same version', async () => {
    await start();
    await fixture.cycle();
    await fixture.push({
      'charts/podinfo/templates/service.yaml': `${files['charts/podinfo/templates/service.yaml']}\n# touched\n`,
    });
    expect(await history('prod')).toEqual(['2 deployed 0.2.0', '1 superseded 0.2.0']);
  });

  it('reconciles Flux v2 HelmReleases too, asking helm-controller to act on a change', async () => {
    const v2 = (version: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: dev
spec:
  interval: 5m
  chart:
    spec:
      chart: podinfo
      version: ${version}
      sourceRef: { kind: HelmRepository, name: podinfo }
  values:
    replicaCount: 1
`;
    files = { 'namespaces/dev.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n', 'releases/dev/podinfo.yaml': v2('6.5.0') };
    fixture = await createReconcileFixture({ files, environments: ['dev'] });
    await fixture.cycle();
    const key = { environment: 'dev', namespace: 'dev', name: 'podinfo' };
    expect((await fixture.store.listReleaseStatuses('demo'))[0]).toMatchObject({
      state: 'Synced',
      revision: 1,
      chartVersion: '6.5.0',
    });

    await fixture.push({ 'releases/dev/podinfo.yaml': v2('6.5.1') });
    const hr = fixture.double.objects().get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'podinfo', 'dev')!;
    expect((hr.metadata as { annotations: Record<string, string> }).annotations).toHaveProperty(
      ['reconcile.fluxcd.io/requestedAt'],
    );
    expect((await fixture.store.getHelmHistory(key))?.revisions.map(r => `${r.revision} ${r.status} ${r.chartVersion}`)).toEqual([
      '2 deployed 6.5.1',
      '1 superseded 6.5.0',
    ]);
  });

  it('prunes what left git when the environment opts in, and forgets its status', async () => {
    await start({ prune: true });
    await fixture.cycle();
    await fixture.push({ 'releases/stg/podinfo.yaml': null });

    const objects = fixture.double.objects();
    expect(objects.get(HR, 'HelmRelease', 'podinfo-rc', 'stg')).toBeUndefined();
    expect(objects.get(HR, 'HelmRelease', 'podinfo-dev', 'dev')).toBeDefined();
    // Namespaces are never pruned: deleting one deletes everything in it.
    expect(objects.get('v1', 'Namespace', 'stg')).toBeDefined();
    expect(Object.keys(await statuses()).sort()).toEqual(['dev', 'prod']);
    expect(await fixture.store.getHelmHistory(key('stg'))).toBeUndefined();
  });

  it('applies other kinds as written, and prunes them once they leave git', async () => {
    files = await exampleConfigRepoFiles();
    const sealed = `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: podinfo-db
  namespace: dev
spec:
  encryptedData:
    password: AgBy3i4OJSWK+PiTySYZZA==
`;
    fixture = await createReconcileFixture({
      files: { ...files, 'releases/dev/podinfo-db.yaml': sealed },
      environments: ['dev'],
      prune: true,
    });
    await fixture.cycle();
    const stored = fixture.double.objects().get('bitnami.com/v1alpha1', 'SealedSecret', 'podinfo-db', 'dev')!;
    expect(stored.spec).toEqual({ encryptedData: { password: 'AgBy3i4OJSWK+PiTySYZZA==' } });
    expect((stored.metadata as { annotations: Record<string, string> }).annotations).toEqual({
      [GITOPS_ANNOTATION_SOURCE_PATH]: 'releases/dev/podinfo-db.yaml',
    });

    await fixture.push({ 'releases/dev/podinfo-db.yaml': null });
    expect(
      fixture.double.objects().get('bitnami.com/v1alpha1', 'SealedSecret', 'podinfo-db', 'dev'),
    ).toBeUndefined();
    expect(fixture.double.objects().get(HR, 'HelmRelease', 'podinfo-dev', 'dev')).toBeDefined();
  });

  it('leaves removed objects in the cluster without prune', async () => {
    await start({ prune: false });
    await fixture.cycle();
    await fixture.push({ 'releases/stg/podinfo.yaml': null });
    expect(
      fixture.double.objects().get(HR, 'HelmRelease', 'podinfo-rc', 'stg'),
    ).toBeDefined();
  });

  it('applies an environment again when the cluster lost what was applied', async () => {
    await start();
    await fixture.cycle();
    // A rebuilt cluster: the namespace and the HelmRelease are gone.
    const objects = fixture.double.objects();
    objects.delete(HR, 'HelmRelease', 'podinfo-dev', 'dev');
    objects.delete('v1', 'Namespace', 'dev');
    fixture.double.resetRequests();
    await fixture.reconciler.run();
    expect((await statuses()).dev.state).toBe('Missing');
    expect(writes()).toBe(0);

    await fixture.reconciler.run();
    expect(objects.get('v1', 'Namespace', 'dev')).toBeDefined();
    expect(objects.get(HR, 'HelmRelease', 'podinfo-dev', 'dev')).toBeDefined();
    expect((await statuses()).dev.state).toBe('Synced');
    // Only the environment that lost objects is applied again.
    expect(writes()).toBe(2);
  });

  it('reports Missing when the HelmRelease is gone from the cluster', async () => {
    await start({ apply: false });
    await fixture.cycle();
    expect((await statuses()).dev).toMatchObject({
      state: 'Missing',
      reason: 'HelmRelease not in cluster',
    });
  });

  it('reports Drifted, saying what differs, when someone edits the object in the cluster', async () => {
    await start();
    await fixture.cycle();
    const objects = fixture.double.objects();
    const hr = objects.get(HR, 'HelmRelease', 'podinfo-prod', 'prod')!;
    const spec = hr.spec as { values: { replicaCount: number } };
    objects.put({ ...hr, spec: { ...spec, values: { ...spec.values, replicaCount: 5 } } });
    await fixture.cycle();

    const prod = (await statuses()).prod;
    expect(prod.state).toBe('Drifted');
    expect(prod.differences).toContainEqual(
      expect.objectContaining({ path: expect.stringContaining('replicaCount') }),
    );
    expect(prod.reason).toMatch(/replicaCount/);
  });

  it('reports Progressing while the operator has not acted, then Synced', async () => {
    await start({ double: { operatorDelayMs: 300 }, gracePeriodMs: 60_000 });
    await fixture.cycle();
    expect((await statuses()).dev.state).toBe('Progressing');
    await fixture.double.operatorIdle();
    await fixture.reconciler.run();
    expect((await statuses()).dev.state).toBe('Synced');
  });

  it('reports Failed with Helm description when an upgrade fails', async () => {
    await start();
    await fixture.cycle();
    fixture.double.failNextUpgrade('dev', 'podinfo-dev', 'timed out waiting for the condition');
    await fixture.push(setReplicas('dev', 3));
    const dev = (await statuses()).dev;
    expect(dev.state).toBe('Failed');
    expect(dev.reason).toMatch(/revision 2: .*timed out waiting for the condition/);
    expect(await history('dev')).toEqual(['2 failed 0.2.0', '1 deployed 0.2.0']);
  });

  describe('faults', () => {
    it('keeps every status and records the error when the cluster is unreachable', async () => {
      await start();
      await fixture.cycle();
      const before = await statuses();
      await fixture.double.setDown(true);
      const outcome = await fixture.cycle();
      expect(outcome).toMatchObject({ status: 'failed', error: expect.stringMatching(/unreachable/) });
      expect(await statuses()).toEqual(before);
      const [cluster] = await fixture.store.listClusters();
      expect(cluster.lastError).toMatch(/cluster unreachable/);
      expect(Date.parse(cluster.lastErrorAt!)).toBeGreaterThan(Date.parse(cluster.lastReconciledAt!));

      await fixture.double.setDown(false);
      await fixture.cycle();
      const [recovered] = await fixture.store.listClusters();
      expect(Date.parse(recovered.lastReconciledAt!)).toBeGreaterThan(Date.parse(recovered.lastErrorAt!));
    });

    it.each([403, 500])(
      'marks only the releases of a namespace that answers %i, keeping their last state',
      async status => {
        await start();
        await fixture.cycle();
        fixture.double.injectFault({
          method: 'GET',
          path: /^\/api\/v1\/namespaces\/stg\/secrets$/,
          status,
        });
        await fixture.push(setReplicas('dev', 2));
        const byEnv = await statuses();
        expect(byEnv.stg).toMatchObject({ state: 'Synced', error: expect.stringMatching(new RegExp(`${status}`)) });
        expect(byEnv.stg.errorAt).toBeDefined();
        expect(byEnv.dev).toMatchObject({ state: 'Synced', revision: 2 });
        expect(byEnv.dev.error).toBeUndefined();

        await fixture.reconciler.run();
        expect((await statuses()).stg.error).toBeUndefined();
      },
    );

    it('records a 409 on apply against its release and retries on the next cycle', async () => {
      await start();
      await fixture.cycle();
      fixture.double.injectFault({
        method: 'PATCH',
        path: /\/namespaces\/prod\/helmreleases\/podinfo-prod$/,
        status: 409,
      });
      await fixture.push(setReplicas('prod', 4));
      const prod = (await statuses()).prod;
      expect(prod.error).toMatch(/apply HelmRelease prod\/podinfo-prod.*409/);
      expect(await history('prod')).toEqual(['1 deployed 0.2.0']);
      expect((await fixture.store.getAppliedObjects('prod')).commit).not.toBe(
        await fixture.remote.head(),
      );

      await fixture.reconciler.run();
      expect(await history('prod')).toEqual(['2 deployed 0.2.0', '1 superseded 0.2.0']);
      expect((await statuses()).prod.error).toBeUndefined();
      expect((await fixture.store.getAppliedObjects('prod')).commit).toBe(
        await fixture.remote.head(),
      );
    });
  });
});

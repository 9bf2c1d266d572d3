import {
  GITOPS_ANNOTATION_CHART_VERSION,
  GITOPS_ANNOTATION_SOURCE_PATH,
  GITOPS_LABEL_ENVIRONMENT,
  GITOPS_LABEL_SOURCE_REPOSITORY,
} from '@backstage-gitops/plugin-gitops-common';
import {
  buildHelmReleaseSecret,
  decodeHelmReleaseSecretData,
  HelmReleaseRecord,
  helmReleaseSecretName,
  kubeConfigFor,
} from '@backstage-gitops/kubernetes-double';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import {
  fieldManagerOf,
  LEGACY_FIELD_MANAGER,
} from '../cluster/KubernetesCluster';
import { exampleConfigRepoFiles } from '../__testUtils__/exampleConfigRepo';
import { ReleaseService } from '../service/ReleaseService';
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

  async function start(
    options: Partial<Parameters<typeof createReconcileFixture>[0]> = {},
  ) {
    files = await exampleConfigRepoFiles();
    fixture = await createReconcileFixture({
      files,
      environments: ['dev', 'stg', 'prod'],
      ...options,
    });
  }

  const statuses = async () =>
    Object.fromEntries(
      (await fixture.clusterStateStore.listReleaseStatuses('demo')).map(s => [
        s.environment,
        s,
      ]),
    );
  const history = async (environment: string) =>
    (
      await fixture.clusterStateStore.getHelmHistory(key(environment))
    )?.revisions.map(r => `${r.revision} ${r.status} ${r.chartVersion}`);
  const writes = () =>
    Object.entries(fixture.double.requests().byRoute)
      .filter(([route]) => !route.startsWith('GET '))
      .reduce((sum, [, n]) => sum + n, 0);
  const deletes = () =>
    Object.entries(fixture.double.requests().byRoute)
      .filter(([route]) => route.startsWith('DELETE '))
      .reduce((sum, [, n]) => sum + n, 0);
  const problems = async (source: string) =>
    (await fixture.clusterStateStore.listApplyProblems(['config'])).filter(
      p => p.source === source,
    );
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
    expect(await fixture.cycle()).toMatchObject({
      status: 'reconciled',
      releases: 3,
    });

    const objects = fixture.double.objects();
    for (const env of ['dev', 'stg', 'prod']) {
      expect(objects.get('v1', 'Namespace', env)).toBeDefined();
      const hr = objects.get(HR, 'HelmRelease', releaseName(env), env)!;
      expect(hr.metadata).toMatchObject({
        labels: {
          app: 'podinfo',
          [GITOPS_LABEL_SOURCE_REPOSITORY]: 'config',
          [GITOPS_LABEL_ENVIRONMENT]: env,
        },
        annotations: {
          [GITOPS_ANNOTATION_SOURCE_PATH]: `releases/${env}/podinfo.yaml`,
          [GITOPS_ANNOTATION_CHART_VERSION]: '0.2.0',
        },
      });
      // Each environment applies with a field manager of its own.
      expect(
        (hr.metadata as { managedFields: Array<{ manager: string }> })
          .managedFields[0].manager,
      ).toBe(fieldManagerOf(env));
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
    const events = await fixture.eventStore.listEvents({
      releases: [key('dev')],
      repositoryIds: [],
      limit: 10,
    });
    expect(events.find(e => e.type === 'release-state')).toMatchObject({
      message: expect.stringMatching(
        /^Synced: deployed podinfo-0\.2\.0 revision 1/,
      ),
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
    expect(
      (await fixture.clusterStateStore.listClusters())[0].lastReconciledAt,
    ).toBeDefined();
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
    expect(await history('stg')).toEqual([
      '2 deployed 0.2.1',
      '1 superseded 0.2.0',
    ]);
    expect(await history('prod')).toEqual([
      '2 deployed 0.2.1',
      '1 superseded 0.2.0',
    ]);
    expect((await statuses()).dev).toMatchObject({
      state: 'Synced',
      revision: 3,
      chartVersion: '0.2.1',
    });
  });

  it('upgrades on new chart contents under the same version', async () => {
    await start();
    await fixture.cycle();
    await fixture.push({
      'charts/podinfo/templates/service.yaml': `${files['charts/podinfo/templates/service.yaml']}\n# touched\n`,
    });
    expect(await history('prod')).toEqual([
      '2 deployed 0.2.0',
      '1 superseded 0.2.0',
    ]);
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
    files = {
      'namespaces/dev.yaml':
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n',
      'releases/dev/podinfo.yaml': v2('6.5.0'),
    };
    fixture = await createReconcileFixture({ files, environments: ['dev'] });
    await fixture.cycle();
    const podinfoKey = {
      environment: 'dev',
      namespace: 'dev',
      name: 'podinfo',
    };
    expect(
      (await fixture.clusterStateStore.listReleaseStatuses('demo'))[0],
    ).toMatchObject({
      state: 'Synced',
      revision: 1,
      chartVersion: '6.5.0',
    });

    await fixture.push({ 'releases/dev/podinfo.yaml': v2('6.5.1') });
    const hr = fixture.double
      .objects()
      .get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'podinfo', 'dev')!;
    expect(
      (hr.metadata as { annotations: Record<string, string> }).annotations,
    ).toHaveProperty(['reconcile.fluxcd.io/requestedAt']);
    expect(
      (
        await fixture.clusterStateStore.getHelmHistory(podinfoKey)
      )?.revisions.map(r => `${r.revision} ${r.status} ${r.chartVersion}`),
    ).toEqual(['2 deployed 6.5.1', '1 superseded 6.5.0']);
  });

  it('holds back a prune of a whole environment until it is confirmed, then prunes once with an event', async () => {
    await start({ prune: true });
    await fixture.cycle();
    await fixture.remote.commit(
      { 'releases/stg/podinfo.yaml': null },
      'Retire staging',
    );
    await fixture.cycle();
    const head = (await fixture.remote.head())!;

    // Every object stg applied would go: the guard holds, whatever the share.
    const objects = fixture.double.objects();
    expect(objects.get(HR, 'HelmRelease', 'podinfo-rc', 'stg')).toBeDefined();
    const held = await fixture.clusterStateStore.getHeldPrune('stg');
    expect(held).toMatchObject({
      commit: head,
      total: 1,
      objects: [expect.objectContaining({ name: 'podinfo-rc' })],
    });
    expect(
      await fixture.clusterStateStore.listApplyProblems(['config']),
    ).toContainEqual(
      expect.objectContaining({
        environment: 'stg',
        source: 'prune',
        commit: head,
        message: expect.stringMatching(
          /^Prune held back: commit \w+ would delete 1 of 1 applied objects/,
        ),
      }),
    );
    expect(
      (await fixture.clusterStateStore.getAppliedObjects('stg')).commit,
    ).not.toBe(head);

    // A confirmation of another commit confirms nothing.
    expect(
      await fixture.clusterStateStore.confirmHeldPrune('stg', {
        commit: 'f'.repeat(40),
        actor: 'user:default/ops',
        at: new Date(),
      }),
    ).toBeUndefined();
    await fixture.reconciler.run();
    expect(objects.get(HR, 'HelmRelease', 'podinfo-rc', 'stg')).toBeDefined();

    await fixture.clusterStateStore.confirmHeldPrune('stg', {
      commit: head,
      actor: 'user:default/ops',
      at: new Date(),
    });
    fixture.double.resetRequests();
    await fixture.reconciler.run();
    expect(objects.get(HR, 'HelmRelease', 'podinfo-rc', 'stg')).toBeUndefined();
    expect(deletes()).toBe(1);
    expect(await fixture.clusterStateStore.getHeldPrune('stg')).toBeUndefined();
    expect(
      (await fixture.clusterStateStore.listApplyProblems(['config'])).filter(
        p => p.source === 'prune',
      ),
    ).toEqual([]);
    const [pruned] = (
      await fixture.eventStore.listEvents({
        releases: [key('stg')],
        repositoryIds: ['config'],
        limit: 50,
      })
    ).filter(e => e.type === 'object-pruned');
    expect(pruned).toMatchObject({
      environment: 'stg',
      commit: head,
      author: 'Test Author',
      message: expect.stringContaining('HelmRelease stg/podinfo-rc'),
    });

    fixture.double.resetRequests();
    await fixture.reconciler.run();
    expect(writes()).toBe(0);

    expect(objects.get(HR, 'HelmRelease', 'podinfo-rc', 'stg')).toBeUndefined();
    expect(objects.get(HR, 'HelmRelease', 'podinfo-dev', 'dev')).toBeDefined();
    // Namespaces are never pruned: deleting one deletes everything in it.
    expect(objects.get('v1', 'Namespace', 'stg')).toBeDefined();
    expect(Object.keys(await statuses()).sort()).toEqual(['dev', 'prod']);
    expect(
      await fixture.clusterStateStore.getHelmHistory(key('stg')),
    ).toBeUndefined();
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
    const stored = fixture.double
      .objects()
      .get('bitnami.com/v1alpha1', 'SealedSecret', 'podinfo-db', 'dev')!;
    expect(stored.spec).toEqual({
      encryptedData: { password: 'AgBy3i4OJSWK+PiTySYZZA==' },
    });
    expect(
      (stored.metadata as { annotations: Record<string, string> }).annotations,
    ).toEqual({
      [GITOPS_ANNOTATION_SOURCE_PATH]: 'releases/dev/podinfo-db.yaml',
    });

    await fixture.push({ 'releases/dev/podinfo-db.yaml': null });
    expect(
      fixture.double
        .objects()
        .get('bitnami.com/v1alpha1', 'SealedSecret', 'podinfo-db', 'dev'),
    ).toBeUndefined();
    expect(
      fixture.double.objects().get(HR, 'HelmRelease', 'podinfo-dev', 'dev'),
    ).toBeDefined();
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
    objects.put({
      ...hr,
      spec: { ...spec, values: { ...spec.values, replicaCount: 5 } },
    });
    await fixture.cycle();

    const prod = (await statuses()).prod;
    expect(prod.state).toBe('Drifted');
    expect(prod.differences).toContainEqual(
      expect.objectContaining({
        path: expect.stringContaining('replicaCount'),
      }),
    );
    expect(prod.reason).toMatch(/replicaCount/);
  });

  it('reports Progressing while the operator has not acted, then Synced', async () => {
    // Long enough that a loaded machine's cycle ends before the operator acts.
    await start({ double: { operatorDelayMs: 3000 }, gracePeriodMs: 60_000 });
    await fixture.cycle();
    expect((await statuses()).dev.state).toBe('Progressing');
    await fixture.double.operatorIdle();
    await fixture.reconciler.run();
    expect((await statuses()).dev.state).toBe('Synced');
  });

  it('reports Failed with Helm description when an upgrade fails', async () => {
    await start();
    await fixture.cycle();
    fixture.double.failNextUpgrade(
      'dev',
      'podinfo-dev',
      'timed out waiting for the condition',
    );
    await fixture.push(setReplicas('dev', 3));
    const dev = (await statuses()).dev;
    expect(dev.state).toBe('Failed');
    expect(dev.reason).toMatch(
      /revision 2: .*timed out waiting for the condition/,
    );
    expect(await history('dev')).toEqual([
      '2 failed 0.2.0',
      '1 deployed 0.2.0',
    ]);
  });

  describe('faults', () => {
    it('keeps every status and records the error when the cluster is unreachable', async () => {
      await start();
      await fixture.cycle();
      const before = await statuses();
      await fixture.double.setDown(true);
      const outcome = await fixture.cycle();
      expect(outcome).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/unreachable/),
      });
      expect(await statuses()).toEqual(before);
      const [cluster] = await fixture.clusterStateStore.listClusters();
      expect(cluster.lastError).toMatch(/cluster unreachable/);
      expect(Date.parse(cluster.lastErrorAt!)).toBeGreaterThan(
        Date.parse(cluster.lastReconciledAt!),
      );

      await fixture.double.setDown(false);
      await fixture.cycle();
      const [recovered] = await fixture.clusterStateStore.listClusters();
      expect(Date.parse(recovered.lastReconciledAt!)).toBeGreaterThan(
        Date.parse(recovered.lastErrorAt!),
      );
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
        expect(byEnv.stg).toMatchObject({
          state: 'Synced',
          error: expect.stringMatching(new RegExp(`${status}`)),
        });
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
      expect(
        (await fixture.clusterStateStore.getAppliedObjects('prod')).commit,
      ).not.toBe(await fixture.remote.head());

      await fixture.reconciler.run();
      expect(await history('prod')).toEqual([
        '2 deployed 0.2.0',
        '1 superseded 0.2.0',
      ]);
      expect((await statuses()).prod.error).toBeUndefined();
      expect(
        (await fixture.clusterStateStore.getAppliedObjects('prod')).commit,
      ).toBe(await fixture.remote.head());
    });
  });

  describe('secrets stay in the cluster', () => {
    /** What the release API answers for a release: its status and events, as a reader gets them. */
    const api = async (release: {
      environment: string;
      namespace: string;
      name: string;
    }) => {
      const service = new ReleaseService({
        syncStateStore: fixture.syncStateStore,
        clusterStateStore: fixture.clusterStateStore,
        eventStore: fixture.eventStore,
        catalog: catalogServiceMock({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'podinfo', namespace: 'default' },
              spec: { type: 'service', owner: 'team', lifecycle: 'production' },
            },
          ],
        }),
        permissions: mockServices.permissions(),
      });
      const credentials = mockCredentials.user();
      return {
        release: await service.getRelease(release, credentials),
        events: await service.listEvents(
          'component:default/podinfo',
          credentials,
        ),
      };
    };
    /** Rewrites Helm's config of a deployed revision, as an operator merging valuesFrom would have written it. */
    const deployedConfig = (
      namespace: string,
      release: string,
      edit: (
        config: HelmReleaseRecord['config'],
      ) => HelmReleaseRecord['config'],
    ) => {
      const objects = fixture.double.objects();
      const secret = objects.get(
        'v1',
        'Secret',
        helmReleaseSecretName(release, 1),
        namespace,
      )!;
      const record = decodeHelmReleaseSecretData(
        (secret.data as { release: string }).release,
      );
      objects.put(
        buildHelmReleaseSecret({ ...record, config: edit(record.config) }),
      );
    };

    it('never copies a Secret-fed value into the store, an event, a reason or the API; git-plain keys still show', async () => {
      files = await exampleConfigRepoFiles();
      // dev merges a Secret (Helm Operator's valuesFrom) and git sets a placeholder for a key it fills.
      const dev = files['releases/dev/podinfo.yaml']
        .replace(
          'spec:\n',
          'spec:\n  valuesFrom:\n    - secretKeyRef:\n        name: podinfo-db\n',
        )
        .replace(
          '    replicaCount: 1',
          '    replicaCount: 1\n    database:\n      url: set-by-secret',
        );
      fixture = await createReconcileFixture({
        files: { ...files, 'releases/dev/podinfo.yaml': dev },
        environments: ['dev', 'stg'],
      });
      await fixture.cycle();
      expect((await statuses()).dev.state).toBe('Synced');

      deployedConfig('dev', 'podinfo-dev', config => ({
        ...config,
        database: { url: 'postgres://app:hunter2-dev@db' },
      }));
      // stg merges nothing: one key set by hand, one named like a secret.
      deployedConfig('stg', 'podinfo-rc', config => ({
        ...config,
        replicaCount: 5,
        adminPassword: 'hunter2-stg',
      }));
      await fixture.reconciler.run();

      const { dev: devStatus, stg: stgStatus } = await statuses();
      expect(devStatus.state).toBe('Drifted');
      expect(devStatus.differences).toEqual([
        {
          path: 'values.database.url',
          desired: 'set-by-secret',
          withheld: { sides: ['live'], reason: 'values-from' },
        },
      ]);
      expect(devStatus.reason).toBe(
        'values differ at database.url: not shown (valuesFrom may fill it) in cluster, "set-by-secret" in git',
      );
      expect(stgStatus.state).toBe('Drifted');
      expect(stgStatus.differences).toEqual([
        {
          path: 'values.adminPassword',
          withheld: { sides: ['live'], reason: 'secret-name' },
        },
        { path: 'values.replicaCount', desired: 2, live: 5 },
      ]);

      const stored = JSON.stringify(
        await fixture.clusterStateStore.listReleaseStatuses('demo'),
      );
      const events = await fixture.eventStore.listEvents({
        releases: [key('dev'), key('stg')],
        repositoryIds: ['config'],
        limit: 50,
      });
      expect(
        events.filter(
          e => e.type === 'release-state' && /Drifted/.test(e.message ?? ''),
        ),
      ).toHaveLength(2);
      const served = [
        JSON.stringify(await api(key('dev'))),
        JSON.stringify(await api(key('stg'))),
      ];
      for (const text of [stored, JSON.stringify(events), ...served]) {
        expect(text).not.toContain('hunter2');
      }
      // The API still tells what differs, and shows the key git holds in plain text.
      expect(
        (await api(key('stg'))).release.status?.differences,
      ).toContainEqual({
        path: 'values.replicaCount',
        desired: 2,
        live: 5,
      });
    });

    it("reads no Helm release stored outside the environment's namespaces, and says so on the release", async () => {
      const v2 = (
        name: string,
        storage: string,
      ) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: dev
spec:
  interval: 5m
  storageNamespace: ${storage}
  chart:
    spec:
      chart: podinfo
      version: 6.5.0
      sourceRef: { kind: HelmRepository, name: podinfo }
  values:
    replicaCount: 1
`;
      files = {
        'namespaces/dev.yaml':
          'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n',
        'releases/dev/podinfo.yaml': v2('podinfo', 'kube-system'),
        'releases/dev/other.yaml': v2('other', 'dev'),
      };
      fixture = await createReconcileFixture({ files, environments: ['dev'] });
      fixture.double.objects().put({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'kube-system' },
      });
      await fixture.cycle();
      fixture.double.resetRequests();
      await fixture.cycle();

      const paths = fixture.double.requestPaths();
      expect(paths.filter(p => p.includes('/namespaces/kube-system/'))).toEqual(
        [],
      );
      // dev is read for the other release: three lists, as for any namespace.
      expect(paths.filter(p => p.includes('/namespaces/dev/'))).toHaveLength(3);
      const status = (
        await fixture.clusterStateStore.listReleaseStatuses('demo')
      ).find(s => s.name === 'podinfo')!;
      expect(status).toMatchObject({
        environment: 'dev',
        name: 'podinfo',
        differences: [],
        error:
          'not read from the cluster: Helm stores it in namespace kube-system, which environment dev does not own (gitops.environments[].namespaces)',
      });
      const served = await api({
        environment: 'dev',
        namespace: 'dev',
        name: 'podinfo',
      });
      expect(served.release.status?.stale?.error).toBe(status.error);
    });
  });

  describe('safety', () => {
    const sealed = (namespace = 'dev') => `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: podinfo-db
  namespace: ${namespace}
spec:
  encryptedData:
    password: AgBy3i4OJSWK+PiTySYZZA==
`;
    const SEALED = 'bitnami.com/v1alpha1';
    const kubectl = () =>
      KubernetesObjectApi.makeApiClient(kubeConfigFor(fixture.double));

    /** dev alone, pruning, with a SealedSecret beside its release, after a first cycle applied both. */
    async function startDevWithSecret() {
      files = await exampleConfigRepoFiles();
      fixture = await createReconcileFixture({
        files: { ...files, 'releases/dev/podinfo-db.yaml': sealed() },
        environments: ['dev'],
        prune: true,
      });
      await fixture.cycle();
    }

    it("keeps a broken file's HelmRelease and Helm history, prunes nothing, and upgrades nothing once fixed", async () => {
      await start({ prune: true });
      await fixture.cycle();
      const good = files['releases/stg/podinfo.yaml'];
      // The measured case: one duplicate key in stg.
      await fixture.push({
        'releases/stg/podinfo.yaml': good.replace(
          '  releaseName: podinfo-rc\n',
          '  releaseName: podinfo-rc\n  releaseName: podinfo-rc\n',
        ),
      });

      const objects = fixture.double.objects();
      expect(objects.get(HR, 'HelmRelease', 'podinfo-rc', 'stg')).toBeDefined();
      expect(
        objects.get('v1', 'Secret', 'sh.helm.release.v1.podinfo-rc.v1', 'stg'),
      ).toBeDefined();
      expect(
        (await fixture.clusterStateStore.getAppliedObjects('stg')).objects.map(
          o => o.name,
        ),
      ).toContain('podinfo-rc');
      expect(await history('stg')).toEqual(['1 deployed 0.2.0']);
      expect(
        await fixture.clusterStateStore.getHeldPrune('stg'),
      ).toBeUndefined();

      fixture.double.resetRequests();
      await fixture.push({ 'releases/stg/podinfo.yaml': good });
      expect(writes()).toBe(0);
      expect(await history('stg')).toEqual(['1 deployed 0.2.0']);
      expect((await statuses()).stg.state).toBe('Synced');
      expect(
        (await fixture.clusterStateStore.getAppliedObjects('stg')).commit,
      ).toBe(await fixture.remote.head());
    });

    it('prunes nothing in a cycle where an object failed to apply, and prunes once all applied', async () => {
      await startDevWithSecret();
      fixture.double.injectFault({
        method: 'PATCH',
        path: /\/namespaces\/dev\/helmreleases\/podinfo-dev$/,
        status: 422,
      });
      await fixture.push({
        'releases/dev/podinfo-db.yaml': null,
        ...setReplicas('dev', 2),
      });
      expect(
        fixture.double
          .objects()
          .get(SEALED, 'SealedSecret', 'podinfo-db', 'dev'),
      ).toBeDefined();
      expect(await problems('apply')).toEqual([
        expect.objectContaining({
          environment: 'dev',
          path: 'releases/dev/podinfo.yaml',
          object: 'HelmRelease dev/podinfo-dev (helm.fluxcd.io/v1)',
          message: expect.stringMatching(/422/),
        }),
      ]);

      await fixture.reconciler.run();
      expect(
        fixture.double
          .objects()
          .get(SEALED, 'SealedSecret', 'podinfo-db', 'dev'),
      ).toBeUndefined();
      expect(await problems('apply')).toEqual([]);
    });

    it('does not delete an object someone else took over, and reports it with its managers', async () => {
      await startDevWithSecret();
      // Another team adopts the secret: kubectl relabels it, taking the label over.
      await kubectl().patch(
        {
          apiVersion: SEALED,
          kind: 'SealedSecret',
          metadata: {
            name: 'podinfo-db',
            namespace: 'dev',
            labels: { [GITOPS_LABEL_ENVIRONMENT]: 'team-db' },
          },
        },
        undefined,
        undefined,
        'kubectl',
        true,
        PatchStrategy.ServerSideApply,
      );
      await fixture.push({ 'releases/dev/podinfo-db.yaml': null });
      expect(
        fixture.double
          .objects()
          .get(SEALED, 'SealedSecret', 'podinfo-db', 'dev'),
      ).toBeDefined();
      expect(await problems('prune')).toEqual([
        expect.objectContaining({
          object: 'SealedSecret dev/podinfo-db (bitnami.com/v1alpha1)',
          message: expect.stringMatching(
            /not pruned: .*environment label.*kubectl/,
          ),
        }),
      ]);
      // It left the inventory: later cycles do not try again.
      expect(
        (await fixture.clusterStateStore.getAppliedObjects('dev')).objects.map(
          o => o.kind,
        ),
      ).not.toContain('SealedSecret');
    });

    it("refuses objects outside the environment's namespaces, as apply problems", async () => {
      files = await exampleConfigRepoFiles();
      fixture = await createReconcileFixture({
        files: {
          ...files,
          'releases/dev/reach.yaml': sealed('prod'),
          'releases/dev/role.yaml':
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: dev-reader\nrules: []\n',
        },
        environments: ['dev', 'prod'],
      });
      await fixture.cycle();
      expect(
        fixture.double
          .objects()
          .get(SEALED, 'SealedSecret', 'podinfo-db', 'prod'),
      ).toBeUndefined();
      expect(
        fixture.double
          .objects()
          .get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'dev-reader'),
      ).toBeUndefined();
      expect(
        (await problems('apply'))
          .map(p => `${p.environment} ${p.object}: ${p.message}`)
          .sort(),
      ).toEqual([
        expect.stringMatching(
          /^dev ClusterRole dev-reader .*not a cluster-scoped kind this environment may apply/,
        ),
        expect.stringMatching(
          /^dev SealedSecret prod\/podinfo-db .*namespace prod, which this environment does not own/,
        ),
      ]);
      expect((await statuses()).dev.state).toBe('Synced');
      expect(
        (await fixture.clusterStateStore.getAppliedObjects('dev')).commit,
      ).toBeUndefined();
    });

    it('applies and prunes nothing of a kustomize overlay, whose patches are not objects, and says to leave it to Flux', async () => {
      files = await exampleConfigRepoFiles();
      fixture = await createReconcileFixture({
        files: {
          ...files,
          'releases/dev/kustomization.yaml':
            'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - podinfo.yaml\npatches:\n  - path: replicas.yaml\n',
          'releases/dev/replicas.yaml':
            'apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: podinfo-dev\n  namespace: dev\nspec:\n  values:\n    replicaCount: 2\n',
        },
        environments: ['dev', 'stg'],
        prune: true,
      });
      await fixture.cycle();
      expect(
        fixture.double.objects().get(HR, 'HelmRelease', 'podinfo-dev', 'dev'),
      ).toBeUndefined();
      expect(
        fixture.double.objects().get(HR, 'HelmRelease', 'podinfo-rc', 'stg'),
      ).toBeDefined();
      const overlay = (await problems('apply')).filter(
        p => p.environment === 'dev',
      );
      expect(overlay).toEqual([
        expect.objectContaining({
          path: 'releases/dev/kustomization.yaml',
          message: expect.stringMatching(
            /kustomize overlay .*needs apply: false; nothing was applied or pruned/,
          ),
        }),
      ]);
      expect(
        (await fixture.clusterStateStore.getAppliedObjects('dev')).commit,
      ).toBeUndefined();
    });

    it('refuses a namespace two environments claim, on both', async () => {
      await start({
        environments: ['dev', 'stg'],
        settings: { stg: { namespaces: ['stg', 'dev'] } },
      });
      await fixture.cycle();
      expect(
        fixture.double.objects().get(HR, 'HelmRelease', 'podinfo-dev', 'dev'),
      ).toBeUndefined();
      const claimed = (await problems('apply')).filter(p =>
        /claimed by environments dev and stg/.test(p.message),
      );
      expect(claimed.map(p => p.environment).sort()).toEqual(['dev', 'stg']);
      // dev's own release there is refused too, and stg still applies its own namespace.
      expect((await problems('apply')).map(p => p.object)).toContain(
        'HelmRelease dev/podinfo-dev (helm.fluxcd.io/v1)',
      );
      expect(
        fixture.double.objects().get(HR, 'HelmRelease', 'podinfo-rc', 'stg'),
      ).toBeDefined();
    });

    it('makes two environments writing one object conflict instead of replacing each other', async () => {
      const role = (verb: string) =>
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: shared-reader\nrules:\n  - apiGroups: [""]\n    resources: [pods]\n    verbs: [${verb}]\n`;
      files = await exampleConfigRepoFiles();
      fixture = await createReconcileFixture({
        files: {
          ...files,
          'releases/dev/role.yaml': role('get'),
          'releases/stg/role.yaml': role('list'),
        },
        environments: ['dev', 'stg'],
        settings: {
          dev: { clusterScopedKinds: ['ClusterRole'] },
          stg: { clusterScopedKinds: ['ClusterRole'] },
        },
      });
      await fixture.cycle();
      const stored = fixture.double
        .objects()
        .get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'shared-reader')!;
      expect((stored.rules as Array<{ verbs: string[] }>)[0].verbs).toEqual([
        'get',
      ]);
      // Recorded on both: stg failed, and dev's object is the one stg contests.
      const recorded = [
        expect.objectContaining({
          environment: 'dev',
          object: 'ClusterRole shared-reader (rbac.authorization.k8s.io/v1)',
          message: expect.stringMatching(
            /^Environment stg \(releases\/stg\/role.yaml\) also writes this object/,
          ),
        }),
        expect.objectContaining({
          environment: 'stg',
          object: 'ClusterRole shared-reader (rbac.authorization.k8s.io/v1)',
          message: expect.stringMatching(
            /409 .*conflict.*"backstage-gitops\/dev"/s,
          ),
        }),
      ];
      expect(await problems('apply')).toEqual(recorded);

      // The next cycle records them again, not twice; once stg leaves the
      // object alone, both go.
      await fixture.cycle();
      expect(await problems('apply')).toEqual(recorded);
      await fixture.push({ 'releases/stg/role.yaml': null });
      expect(await problems('apply')).toEqual([]);
    });

    it('takes over fields applied under the legacy shared field manager, but never forces over others', async () => {
      await start({ environments: ['dev'] });
      // What an earlier version applied: the same release under the shared manager.
      const legacy = {
        apiVersion: HR,
        kind: 'HelmRelease',
        metadata: {
          name: 'podinfo-dev',
          namespace: 'dev',
          labels: { app: 'podinfo' },
        },
        spec: { releaseName: 'podinfo-dev', values: { replicaCount: 7 } },
      };
      await fixture.double.objects().put({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'dev' },
      });
      await kubectl().patch(
        legacy,
        undefined,
        undefined,
        LEGACY_FIELD_MANAGER,
        false,
        PatchStrategy.ServerSideApply,
      );
      await fixture.cycle();
      const hr = fixture.double
        .objects()
        .get(HR, 'HelmRelease', 'podinfo-dev', 'dev')!;
      expect(
        (hr.spec as { values: { replicaCount: number } }).values.replicaCount,
      ).toBe(1);
      expect(await problems('apply')).toEqual([]);

      await kubectl().patch(
        { ...legacy, spec: { values: { replicaCount: 9 } } },
        undefined,
        undefined,
        'kubectl',
        true,
        PatchStrategy.ServerSideApply,
      );
      await fixture.push(setReplicas('dev', 3));
      expect(await problems('apply')).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/409 .*"kubectl"/s),
        }),
      ]);
    });

    it('shows an ImagePolicy the cluster does not serve as an apply problem of its file', async () => {
      files = await exampleConfigRepoFiles();
      fixture = await createReconcileFixture({
        files: {
          ...files,
          'releases/dev/policy.yaml':
            'apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata:\n  name: podinfo\n  namespace: dev\nspec:\n  imageRepositoryRef: { name: podinfo }\n  policy: { semver: { range: ~0.4 } }\n',
        },
        environments: ['dev'],
        // A cluster without Flux's image automation CRDs.
        double: { servedVersions: { 'image.toolkit.fluxcd.io': [] } },
      });
      await fixture.cycle();
      const [problem] = await problems('apply');
      expect(problem).toMatchObject({
        repository: 'config',
        environment: 'dev',
        path: 'releases/dev/policy.yaml',
        object: 'ImagePolicy dev/podinfo (image.toolkit.fluxcd.io/v1beta2)',
        message: expect.stringMatching(/404/),
        commit: await fixture.remote.head(),
      });
      const at = problem.at;
      await fixture.reconciler.run();
      // Still there, since when it first stood.
      expect((await problems('apply'))[0].at).toBe(at);
    });

    it('applies and prunes nothing once the scheduler aborted the run', async () => {
      await start({ prune: true });
      await fixture.cycle();
      await fixture.remote.commit(setReplicas('dev', 5));
      await fixture.sync.run();
      const controller = new AbortController();
      controller.abort();
      fixture.double.resetRequests();
      expect(await fixture.reconciler.run(controller.signal)).toMatchObject({
        status: 'failed',
        error: 'aborted',
      });
      expect(writes()).toBe(0);
    });
  });
});

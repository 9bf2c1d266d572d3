import {
  CoreV1Api,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { kubeConfigFor } from './kubeConfigFor';
import {
  KubernetesDouble,
  startKubernetesDouble,
} from './startKubernetesDouble';
import { statusOfError } from './statusOfError';

describe('writes over HTTP through client-node', () => {
  let double: KubernetesDouble;
  let api: KubernetesObjectApi;
  let core: CoreV1Api;

  const sealedSecret = (
    data: Record<string, string>,
  ): KubernetesObject & { spec: unknown } => ({
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'db', namespace: 'demo', labels: { app: 'podinfo' } },
    spec: { encryptedData: data },
  });
  const apply = (object: KubernetesObject, manager: string, force?: boolean) =>
    api.patch(
      object,
      undefined,
      undefined,
      manager,
      force,
      PatchStrategy.ServerSideApply,
    );

  beforeEach(async () => {
    double = await startKubernetesDouble({ namespaces: ['demo'] });
    const kubeConfig = kubeConfigFor(double);
    api = KubernetesObjectApi.makeApiClient(kubeConfig);
    core = kubeConfig.makeApiClient(CoreV1Api);
  });
  afterEach(() => double.stop());

  it('creates with server-side apply and keeps a no-op re-apply a no-op', async () => {
    const created = await apply(sealedSecret({ password: 'AgB1' }), 'gitops');
    expect(created.metadata).toMatchObject({
      name: 'db',
      namespace: 'demo',
      generation: 1,
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.managedFields?.[0]).toMatchObject({
      manager: 'gitops',
      operation: 'Apply',
    });

    const again = await apply(sealedSecret({ password: 'AgB1' }), 'gitops');
    expect(again.metadata?.resourceVersion).toBe(
      created.metadata?.resourceVersion,
    );
    expect(again.metadata?.generation).toBe(1);

    const changed = await apply(sealedSecret({ password: 'AgB2' }), 'gitops');
    expect(Number(changed.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    expect(changed.metadata?.generation).toBe(2);

    const labelled = await apply(
      {
        ...sealedSecret({ password: 'AgB2' }),
        metadata: {
          name: 'db',
          namespace: 'demo',
          labels: { app: 'podinfo', tier: 'db' },
        },
      },
      'gitops',
    );
    expect(labelled.metadata?.generation).toBe(2);
  });

  it('answers 409 Conflict when another manager applies a field it does not own, unless forced', async () => {
    await apply(sealedSecret({ password: 'AgB1' }), 'gitops');
    const conflict = await apply(
      sealedSecret({ password: 'AgZZ' }),
      'kubectl',
    ).catch(error => error);
    expect(conflict.code).toBe(409);
    expect(statusOfError(conflict)).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      message:
        'Apply failed with 1 conflict: conflict with "gitops" using bitnami.com/v1alpha1: .spec.encryptedData.password',
      details: {
        name: 'db',
        group: 'bitnami.com',
        kind: 'sealedsecrets',
        causes: [
          {
            type: 'FieldManagerConflict',
            message: 'conflict with "gitops" using bitnami.com/v1alpha1',
            field: '.spec.encryptedData.password',
          },
        ],
      },
    });

    const forced = (await apply(
      sealedSecret({ password: 'AgZZ' }),
      'kubectl',
      true,
    )) as KubernetesObject & { spec: { encryptedData: unknown } };
    expect(forced.spec.encryptedData).toEqual({ password: 'AgZZ' });
    const managers = forced.metadata?.managedFields?.map(
      entry => entry.manager,
    );
    expect(managers).toEqual(['gitops', 'kubectl']);
    // gitops still owns the label it shares, but no longer the password.
    const gitops = forced.metadata?.managedFields?.find(
      entry => entry.manager === 'gitops',
    );
    expect(JSON.stringify(gitops?.fieldsV1)).not.toContain('password');
  });

  it('requires a fieldManager for apply and the namespace to exist', async () => {
    const noManager = await api
      .patch(
        sealedSecret({}),
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.ServerSideApply,
      )
      .catch(error => error);
    expect(statusOfError(noManager)).toMatchObject({
      code: 422,
      reason: 'Invalid',
    });
    const elsewhere = {
      ...sealedSecret({}),
      metadata: { name: 'db', namespace: 'missing' },
    };
    const missing = await apply(elsewhere, 'gitops').catch(error => error);
    expect(statusOfError(missing)).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'namespaces "missing" not found',
    });
  });

  it('accepts apply bodies as YAML', async () => {
    const response = await fetch(
      `${double.url}/api/v1/namespaces/demo/configmaps/settings?fieldManager=gitops`,
      {
        method: 'PATCH',
        headers: {
          Authorization: `Bearer ${double.token}`,
          'Content-Type': 'application/apply-patch+yaml',
        },
        body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n',
      },
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      data: { color: 'blue' },
      metadata: { namespace: 'demo' },
    });
  });

  it('creates, refuses duplicates, updates with optimistic concurrency and deletes', async () => {
    const created = await core.createNamespacedSecret({
      namespace: 'demo',
      body: { metadata: { name: 'token' }, stringData: { value: 'hunter2' } },
    });
    expect(created.data).toEqual({
      value: Buffer.from('hunter2').toString('base64'),
    });
    expect(created.type).toBe('Opaque');
    expect((created as { stringData?: unknown }).stringData).toBeUndefined();

    const duplicate = await core
      .createNamespacedSecret({
        namespace: 'demo',
        body: { metadata: { name: 'token' } },
      })
      .catch(error => error);
    expect(statusOfError(duplicate)).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'secrets "token" already exists',
    });

    const updated = await core.replaceNamespacedSecret({
      namespace: 'demo',
      name: 'token',
      body: { ...created, stringData: { other: 'x' } },
    });
    expect(Object.keys(updated.data ?? {}).sort()).toEqual(['other', 'value']);

    const stale = await core
      .replaceNamespacedSecret({
        namespace: 'demo',
        name: 'token',
        body: created,
      })
      .catch(error => error);
    expect(statusOfError(stale)).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on secrets "token": the object has been modified; please apply your changes to the latest version and try again',
    });

    await core.deleteNamespacedSecret({ namespace: 'demo', name: 'token' });
    const gone = await core
      .readNamespacedSecret({ namespace: 'demo', name: 'token' })
      .catch(error => error);
    expect(statusOfError(gone)).toMatchObject({
      code: 404,
      reason: 'NotFound',
    });
    const again = await core
      .deleteNamespacedSecret({ namespace: 'demo', name: 'token' })
      .catch(error => error);
    expect(statusOfError(again)).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'secrets "token" not found',
    });
  });

  it('patches with merge patch and JSON patch, and refuses strategic merge on custom resources', async () => {
    await apply(sealedSecret({ password: 'AgB1' }), 'gitops');
    const merged = (await api.patch(
      {
        ...sealedSecret({ user: 'AgU1' }),
        metadata: {
          name: 'db',
          namespace: 'demo',
          labels: { app: null as unknown as string },
        },
      },
      undefined,
      undefined,
      'editor',
      undefined,
      PatchStrategy.MergePatch,
    )) as KubernetesObject & { spec: unknown };
    expect(merged.spec).toEqual({
      encryptedData: { password: 'AgB1', user: 'AgU1' },
    });
    expect(merged.metadata?.labels).toBeUndefined();

    const response = await fetch(
      `${double.url}/apis/bitnami.com/v1alpha1/namespaces/demo/sealedsecrets/db`,
      {
        method: 'PATCH',
        headers: {
          Authorization: `Bearer ${double.token}`,
          'Content-Type': 'application/json-patch+json',
        },
        body: JSON.stringify([
          { op: 'test', path: '/spec/encryptedData/user', value: 'AgU1' },
          { op: 'remove', path: '/spec/encryptedData/user' },
        ]),
      },
    );
    expect(response.status).toBe(200);
    expect((await response.json()).spec).toEqual({
      encryptedData: { password: 'AgB1' },
    });

    const strategic = await api
      .patch(sealedSecret({}), undefined, undefined, 'editor')
      .catch(error => error);
    expect(statusOfError(strategic)).toMatchObject({
      code: 415,
      reason: 'UnsupportedMediaType',
    });
  });

  it('keeps status to its subresource on custom resources', async () => {
    const created = await apply(
      {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: 'x', namespace: 'demo' },
        spec: { chart: { spec: { chart: 'x', version: '1.0.0' } } },
        status: { forged: true },
      } as KubernetesObject,
      'gitops',
    );
    expect((created as { status?: unknown }).status).toBeUndefined();
    const stored = double
      .objects()
      .get('helm.toolkit.fluxcd.io/v2beta2', 'HelmRelease', 'x', 'demo');
    expect(stored?.apiVersion).toBe('helm.toolkit.fluxcd.io/v2beta2');
    expect(stored?.status).toMatchObject({
      history: [expect.objectContaining({ version: 1 })],
    });
  });
});

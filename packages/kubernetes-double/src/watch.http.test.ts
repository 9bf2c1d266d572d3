import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { kubeConfigFor } from './kubeConfigFor';
import {
  KubernetesDouble,
  startKubernetesDouble,
} from './startKubernetesDouble';

describe('watch', () => {
  let double: KubernetesDouble;

  beforeEach(async () => {
    double = await startKubernetesDouble({
      namespaces: ['dev'],
      helmOperator: false,
    });
  });
  afterEach(() => double.stop());

  /** Collects events until `count` arrived. */
  async function collect(
    path: string,
    query: Record<string, string>,
    count: number,
    act: () => Promise<void>,
  ) {
    const events: string[] = [];
    let done!: () => void;
    const enough = new Promise<void>(resolve => {
      done = resolve;
    });
    const controller = await new Watch(kubeConfigFor(double)).watch(
      path,
      query,
      (type, object) => {
        events.push(`${type} ${object.metadata?.name} ${object.kind}`);
        if (events.length >= count) done();
      },
      () => done(),
    );
    await act();
    await enough;
    controller.abort();
    return events;
  }

  it('streams changes as client-node Watch reads them', async () => {
    const core = kubeConfigFor(double).makeApiClient(CoreV1Api);
    const events = await collect(
      '/api/v1/namespaces/dev/configmaps',
      {},
      3,
      async () => {
        await core.createNamespacedConfigMap({
          namespace: 'dev',
          body: { metadata: { name: 'a' }, data: { x: '1' } },
        });
        // client-node's typed patch sends a JSON patch unless told otherwise, as a real server expects.
        await core.patchNamespacedConfigMap({
          namespace: 'dev',
          name: 'a',
          body: [{ op: 'replace', path: '/data/x', value: '2' }],
        });
        await core.deleteNamespacedConfigMap({ namespace: 'dev', name: 'a' });
      },
    );
    expect(events).toEqual([
      'ADDED a ConfigMap',
      'MODIFIED a ConfigMap',
      'DELETED a ConfigMap',
    ]);
  });

  it('starts with current objects, or replays from a resourceVersion', async () => {
    double.objects().put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'before', namespace: 'dev' },
    });
    const version = String(double.objects().currentResourceVersion());
    double.objects().put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'after', namespace: 'dev' },
    });

    expect(
      await collect(
        '/api/v1/namespaces/dev/configmaps',
        {},
        2,
        async () => undefined,
      ),
    ).toEqual(['ADDED after ConfigMap', 'ADDED before ConfigMap']);
    expect(
      await collect(
        '/api/v1/namespaces/dev/configmaps',
        { resourceVersion: version },
        1,
        async () => undefined,
      ),
    ).toEqual(['ADDED after ConfigMap']);
  });
});

import { CoreV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import { kubeConfigFor } from './kubeConfigFor';
import {
  KubernetesDouble,
  startKubernetesDouble,
} from './startKubernetesDouble';
import { statusOfError } from './statusOfError';

describe('lists', () => {
  let double: KubernetesDouble;
  let core: CoreV1Api;

  beforeAll(async () => {
    double = await startKubernetesDouble({
      namespaces: ['dev', 'prod'],
      helmOperator: false,
    });
    core = kubeConfigFor(double).makeApiClient(CoreV1Api);
    for (let index = 0; index < 7; index++) {
      for (const namespace of ['dev', 'prod']) {
        double.objects().put({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: `secret-${index}`,
            namespace,
            labels: {
              owner: index < 5 ? 'helm' : 'someone',
              status: index === 4 ? 'deployed' : 'superseded',
            },
          },
          data: {},
        });
      }
    }
  });
  afterAll(() => double.stop());

  it('filters by label selector', async () => {
    const deployed = await core.listNamespacedSecret({
      namespace: 'dev',
      labelSelector: 'owner=helm,status=deployed',
    });
    expect(deployed.items.map(item => item.metadata?.name)).toEqual([
      'secret-4',
    ]);
    const setBased = await core.listNamespacedSecret({
      namespace: 'dev',
      labelSelector: 'owner in (helm),status notin (superseded)',
    });
    expect(setBased.items.map(item => item.metadata?.name)).toEqual([
      'secret-4',
    ]);
    const bad = await core
      .listNamespacedSecret({
        namespace: 'dev',
        labelSelector: 'owner in (helm',
      })
      .catch(error => error);
    expect(statusOfError(bad)).toMatchObject({
      code: 400,
      reason: 'BadRequest',
    });
  });

  it('pages with limit and continue, keeping the first page resourceVersion', async () => {
    const names: string[] = [];
    const versions = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedSecret({
        namespace: 'dev',
        labelSelector: 'owner=helm',
        limit: 2,
        _continue: token,
      });
      names.push(...page.items.map(item => item.metadata?.name ?? ''));
      versions.add(page.metadata?.resourceVersion ?? '');
      token = page.metadata?._continue;
      pages += 1;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual([
      'secret-0',
      'secret-1',
      'secret-2',
      'secret-3',
      'secret-4',
    ]);
    expect(versions.size).toBe(1);
  });

  it('reports remainingItemCount without selectors, and lists across namespaces', async () => {
    const first = await core.listSecretForAllNamespaces({ limit: 5 });
    expect(first.items).toHaveLength(5);
    expect(first.metadata?.remainingItemCount).toBe(9);
    expect(first.items[0].metadata?.namespace).toBe('dev');
    const all = await KubernetesObjectApi.makeApiClient(
      kubeConfigFor(double),
    ).list('v1', 'Secret');
    expect(all.items).toHaveLength(14);
  });

  it('expires continue tokens with 410 Gone', async () => {
    const first = await core.listNamespacedSecret({
      namespace: 'prod',
      limit: 1,
    });
    double.objects().expireContinueTokens();
    const expired = await core
      .listNamespacedSecret({
        namespace: 'prod',
        limit: 1,
        _continue: first.metadata?._continue,
      })
      .catch(error => error);
    expect(statusOfError(expired)).toMatchObject({
      code: 410,
      reason: 'Expired',
    });
  });
});

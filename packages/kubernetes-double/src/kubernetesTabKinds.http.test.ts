import { Watch } from '@kubernetes/client-node';
import { kubeConfigFor } from './kubeConfigFor';
import { kubernetesDoubleForSuite } from './__testUtils__/kubernetesDoubleForSuite';

/** What Backstage's kubernetes-backend lists for an entity unless configured otherwise. */
const KUBERNETES_TAB_KINDS = [
  { groupVersion: 'v1', plural: 'pods', kind: 'Pod' },
  { groupVersion: 'v1', plural: 'services', kind: 'Service' },
  { groupVersion: 'v1', plural: 'configmaps', kind: 'ConfigMap' },
  { groupVersion: 'v1', plural: 'limitranges', kind: 'LimitRange' },
  { groupVersion: 'v1', plural: 'resourcequotas', kind: 'ResourceQuota' },
  { groupVersion: 'apps/v1', plural: 'deployments', kind: 'Deployment' },
  { groupVersion: 'apps/v1', plural: 'replicasets', kind: 'ReplicaSet' },
  { groupVersion: 'apps/v1', plural: 'statefulsets', kind: 'StatefulSet' },
  { groupVersion: 'apps/v1', plural: 'daemonsets', kind: 'DaemonSet' },
  {
    groupVersion: 'autoscaling/v2',
    plural: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
  },
  { groupVersion: 'batch/v1', plural: 'jobs', kind: 'Job' },
  { groupVersion: 'batch/v1', plural: 'cronjobs', kind: 'CronJob' },
  {
    groupVersion: 'networking.k8s.io/v1',
    plural: 'ingresses',
    kind: 'Ingress',
  },
];

const prefixOf = (groupVersion: string) =>
  groupVersion === 'v1' ? '/api/v1' : `/apis/${groupVersion}`;

describe("the kinds the Kubernetes plugin's tab lists", () => {
  const suite = kubernetesDoubleForSuite({ namespaces: ['dev'] });
  const { get } = suite;

  it.each(KUBERNETES_TAB_KINDS)(
    'serves $plural in $groupVersion: discovery, empty lists, 404 by name',
    async ({ groupVersion, plural, kind }) => {
      const prefix = prefixOf(groupVersion);
      expect((await get(prefix)).body.resources).toContainEqual(
        expect.objectContaining({
          name: plural,
          kind,
          namespaced: true,
          verbs: expect.arrayContaining(['get', 'list', 'watch']),
        }),
      );
      // The plugin lists across namespaces with a label selector.
      const everywhere = await get(
        `${prefix}/${plural}?labelSelector=${encodeURIComponent(
          'backstage.io/kubernetes-id=podinfo',
        )}`,
      );
      expect(everywhere).toEqual({
        status: 200,
        body: expect.objectContaining({ kind: `${kind}List`, items: [] }),
      });
      const inDev = await get(`${prefix}/namespaces/dev/${plural}`);
      expect(inDev.body).toMatchObject({ kind: `${kind}List`, items: [] });
      expect(
        (await get(`${prefix}/namespaces/dev/${plural}/none`)).body,
      ).toMatchObject({ kind: 'Status', code: 404, reason: 'NotFound' });
    },
  );

  it('lists them in the groups document', async () => {
    const groups = (await get('/apis')).body.groups.map(
      (group: { name: string }) => group.name,
    );
    expect(groups).toEqual(
      expect.arrayContaining([
        'apps',
        'autoscaling',
        'batch',
        'networking.k8s.io',
      ]),
    );
  });

  it('watches them', async () => {
    const events: string[] = [];
    let arrived!: () => void;
    const first = new Promise<void>(resolve => {
      arrived = resolve;
    });
    const controller = await new Watch(kubeConfigFor(suite.double)).watch(
      '/apis/apps/v1/namespaces/dev/statefulsets',
      {},
      (type, object) => {
        events.push(`${type} ${object.metadata?.name}`);
        arrived();
      },
      () => arrived(),
    );
    suite.double.objects().put({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'dev' },
      spec: {},
    });
    await first;
    controller.abort();
    expect(events).toEqual(['ADDED db']);
  });
});

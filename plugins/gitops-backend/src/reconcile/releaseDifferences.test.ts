import { releaseDifferences } from './releaseDifferences';
import {
  podinfoDevDesired,
  podinfoDevHistory,
  podinfoDevLive,
  podinfoProdDesired,
  podinfoProdHistory,
  podinfoProdLive,
} from './__testUtils__/releaseFixtures';

describe('releaseDifferences', () => {
  it('finds none when the cluster runs what git says', () => {
    const desired = podinfoDevDesired();
    expect(
      releaseDifferences(
        desired,
        podinfoDevLive(desired),
        podinfoDevHistory()[2],
      ),
    ).toEqual({ chart: [], values: [], spec: [] });
  });

  it('ignores fields the API server defaults in the live spec', () => {
    const desired = podinfoProdDesired();
    const live = podinfoProdLive(desired);
    expect(live.spec).toHaveProperty(
      'chart.spec.reconcileStrategy',
      'ChartVersion',
    );
    expect(releaseDifferences(desired, live, podinfoProdHistory()[1])).toEqual({
      chart: [],
      values: [],
      spec: [],
    });
  });

  it('reports the chart version, deployed values and spec apart', () => {
    const desired = podinfoDevDesired({
      image: { repository: 'stefanprodan/podinfo', tag: 'dev-a1b2c3d4' },
      replicaCount: 2,
    });
    const live = podinfoDevLive(podinfoDevDesired());
    const deployed = podinfoDevHistory()[1]; // 0.2.0, replicaCount 1
    expect(releaseDifferences(desired, live, deployed)).toEqual({
      chart: [{ path: 'chart.version', desired: '0.2.1', live: '0.2.0' }],
      values: [{ path: 'values.replicaCount', desired: 2, live: 1 }],
      spec: [{ path: 'spec.values.replicaCount', desired: 2, live: 1 }],
    });
  });

  it('counts a values key added in the cluster, but no other added field', () => {
    const desired = podinfoDevDesired();
    const live = podinfoDevLive(desired);
    (live.spec!.values as Record<string, unknown>).debug = true;
    live.spec!.rollback = { enable: true };
    expect(
      releaseDifferences(desired, live, podinfoDevHistory()[2]).spec,
    ).toEqual([{ path: 'spec.values.debug', live: true }]);
  });

  it('compares only the values git sets when valuesFrom merges in more', () => {
    const desired = podinfoProdDesired();
    desired.spec.valuesFrom = [{ kind: 'Secret', name: 'podinfo-values' }];
    const deployed = {
      ...podinfoProdHistory()[1],
      values: { replicaCount: 2, auth: { password: 'from-a-secret' } },
    };
    const live = podinfoProdLive(desired);
    expect(releaseDifferences(desired, live, deployed).values).toEqual([]);
    deployed.values.replicaCount = 3;
    expect(releaseDifferences(desired, live, deployed).values).toEqual([
      { path: 'values.replicaCount', desired: 2, live: 3 },
    ]);
  });

  it('compares only the spec without a Helm revision', () => {
    const desired = podinfoDevDesired();
    const live = podinfoDevLive(desired);
    (live.spec!.chart as Record<string, unknown>).ref = 'dev';
    expect(releaseDifferences(desired, live, undefined)).toEqual({
      chart: [],
      values: [],
      spec: [{ path: 'spec.chart.ref', desired: 'master', live: 'dev' }],
    });
  });

  it('takes a live object without a spec as an empty one', () => {
    const desired = podinfoProdDesired();
    const live = { ...podinfoProdLive(desired), spec: undefined };
    expect(
      releaseDifferences(desired, live, undefined).spec.map(d => d.path),
    ).toEqual(['spec.chart', 'spec.interval', 'spec.values.replicaCount']);
  });
});

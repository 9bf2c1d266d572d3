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
    ).toEqual([
      {
        path: 'spec.values.debug',
        withheld: { sides: ['live'], reason: 'not-in-git' },
      },
    ]);
  });

  it("compares only the values git sets when valuesFrom merges in more, showing none of the cluster's", () => {
    const desired = podinfoProdDesired();
    desired.spec.valuesFrom = [{ kind: 'Secret', name: 'podinfo-values' }];
    const deployed = {
      ...podinfoProdHistory()[1],
      values: { replicaCount: 2, auth: { password: 'from-a-secret' } },
    };
    const live = podinfoProdLive(desired);
    expect(releaseDifferences(desired, live, deployed).values).toEqual([]);
    // Git may set a key the Secret filled before: the deployed value can be the Secret's.
    deployed.values.replicaCount = 3;
    expect(releaseDifferences(desired, live, deployed).values).toEqual([
      {
        path: 'values.replicaCount',
        desired: 2,
        withheld: { sides: ['live'], reason: 'values-from' },
      },
    ]);
  });

  it('takes valuesFrom of the object in the cluster too: the deployed revision may come from it', () => {
    const desired = podinfoProdDesired();
    const live = podinfoProdLive(desired);
    live.spec!.valuesFrom = [{ kind: 'Secret', name: 'podinfo-values' }];
    const deployed = {
      ...podinfoProdHistory()[1],
      values: { replicaCount: 'from-a-secret' },
    };
    expect(releaseDifferences(desired, live, deployed).values).toEqual([
      {
        path: 'values.replicaCount',
        desired: 2,
        withheld: { sides: ['live'], reason: 'values-from' },
      },
    ]);
  });

  it('expects a targetPath key in the cluster only, and shows git-plain keys beside it', () => {
    const desired = podinfoProdDesired({
      replicaCount: 2,
      db: { host: 'db.prod' },
    });
    desired.spec.valuesFrom = [
      { kind: 'Secret', name: 'db', valuesKey: 'url', targetPath: 'db.url' },
    ];
    const live = podinfoProdLive(desired);
    const deployed = {
      ...podinfoProdHistory()[1],
      values: {
        replicaCount: 3,
        db: { host: 'db.prod', url: 'postgres://app:hunter2@db' },
      },
    };
    expect(releaseDifferences(desired, live, deployed).values).toEqual([
      { path: 'values.replicaCount', desired: 2, live: 3 },
    ]);
    // Once git sets it too, it differs, but the cluster's side stays unshown.
    desired.values.db = { host: 'db.prod', url: 'placeholder' };
    expect(releaseDifferences(desired, live, deployed).values).toEqual([
      {
        path: 'values.db.url',
        desired: 'placeholder',
        withheld: { sides: ['live'], reason: 'values-from' },
      },
      { path: 'values.replicaCount', desired: 2, live: 3 },
    ]);
  });

  it('shows neither side of a key named like a secret, git-plain or not', () => {
    const desired = podinfoDevDesired({
      replicaCount: 1,
      auth: { apiToken: 'in-git' },
    });
    const live = podinfoDevLive(desired);
    const deployed = {
      ...podinfoDevHistory()[2],
      values: { replicaCount: 1, auth: { apiToken: 'hunter2' } },
    };
    const found = releaseDifferences(desired, live, deployed);
    expect(found.values).toEqual([
      {
        path: 'values.auth.apiToken',
        withheld: { sides: ['desired', 'live'], reason: 'secret-name' },
      },
    ]);
    expect(JSON.stringify(found)).not.toMatch(/hunter2|in-git/);
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

import {
  MAX_DIFFERENCES,
  setFieldsDifferences,
  valuesDifferences,
} from './valuesDifferences';

describe('valuesDifferences', () => {
  it('finds nothing in equal trees', () => {
    const tree = {
      image: { repository: 'stefanprodan/podinfo', tag: 'dev-1' },
      ports: [80, 443],
    };
    expect(valuesDifferences(tree, structuredClone(tree))).toEqual([]);
    expect(valuesDifferences({}, {})).toEqual([]);
  });

  it('names a changed leaf by its dot path under the base', () => {
    expect(
      valuesDifferences({ replicaCount: 2 }, { replicaCount: 1 }, 'values'),
    ).toEqual([{ path: 'values.replicaCount', desired: 2, live: 1 }]);
    expect(
      valuesDifferences(
        { image: { tag: 'dev-2' } },
        { image: { tag: 'dev-1' } },
      ),
    ).toEqual([{ path: 'image.tag', desired: 'dev-2', live: 'dev-1' }]);
  });

  it('leaves out the side a key is missing from', () => {
    expect(
      valuesDifferences({ a: 1, b: { c: true } }, { a: 1, d: 'extra' }),
    ).toEqual([
      { path: 'b', desired: { c: true } },
      { path: 'd', live: 'extra' },
    ]);
  });

  it('tells null from absent', () => {
    expect(valuesDifferences({ a: null }, {})).toEqual([
      { path: 'a', desired: null },
    ]);
  });

  it('walks lists by index, extra items included', () => {
    expect(
      valuesDifferences(
        {
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
        },
        { env: [{ name: 'A', value: '9' }] },
      ),
    ).toEqual([
      { path: 'env.0.value', desired: '1', live: '9' },
      { path: 'env.1', desired: { name: 'B', value: '2' } },
    ]);
  });

  it('reports a change of shape once, at the place it happens', () => {
    expect(
      valuesDifferences(
        { image: { repository: 'x', tag: '1' } },
        { image: 'x:1' },
      ),
    ).toEqual([
      { path: 'image', desired: { repository: 'x', tag: '1' }, live: 'x:1' },
    ]);
    expect(valuesDifferences({ a: [1] }, { a: { 0: 1 } })).toEqual([
      { path: 'a', desired: [1], live: { 0: 1 } },
    ]);
  });

  it('lists differences in a stable order whatever the key order', () => {
    const one = valuesDifferences({ b: 1, a: 1, C: 1 }, { a: 2, C: 2, b: 2 });
    const two = valuesDifferences({ C: 1, a: 1, b: 1 }, { b: 2, a: 2, C: 2 });
    expect(one.map(d => d.path)).toEqual(['C', 'a', 'b']);
    expect(two).toEqual(one);
  });

  it('quotes keys that would make the path ambiguous', () => {
    expect(
      valuesDifferences(
        { podAnnotations: { 'prometheus.io/scrape': 'true' } },
        { podAnnotations: { 'prometheus.io/scrape': 'false' } },
        'values',
      ),
    ).toEqual([
      {
        path: 'values.podAnnotations["prometheus.io/scrape"]',
        desired: 'true',
        live: 'false',
      },
    ]);
  });

  it(`stops at ${MAX_DIFFERENCES} entries, or the limit given`, () => {
    const desired = Object.fromEntries(
      Array.from({ length: 80 }, (_, i) => [
        `k${String(i).padStart(2, '0')}`,
        i,
      ]),
    );
    const found = valuesDifferences(desired, {});
    expect(found).toHaveLength(MAX_DIFFERENCES);
    expect(found[0].path).toBe('k00');
    expect(valuesDifferences(desired, {}, '', 3).map(d => d.path)).toEqual([
      'k00',
      'k01',
      'k02',
    ]);
  });
});

describe('setFieldsDifferences', () => {
  it('ignores keys only the live side has', () => {
    expect(
      setFieldsDifferences(
        { chart: { spec: { chart: 'podinfo' } } },
        {
          chart: {
            spec: { chart: 'podinfo', reconcileStrategy: 'ChartVersion' },
          },
        },
      ),
    ).toEqual([]);
  });

  it('still reports changed and missing keys, and extra list items', () => {
    expect(
      setFieldsDifferences(
        { ref: 'master', path: 'charts/podinfo', items: [1] },
        { ref: 'dev', items: [1, 2] },
        'spec.chart',
      ),
    ).toEqual([
      { path: 'spec.chart.items.1', live: 2 },
      { path: 'spec.chart.path', desired: 'charts/podinfo' },
      { path: 'spec.chart.ref', desired: 'master', live: 'dev' },
    ]);
  });
});

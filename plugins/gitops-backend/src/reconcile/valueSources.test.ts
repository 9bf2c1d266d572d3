import {
  parseTargetPath,
  touchesTargetPath,
  valueSources,
} from './valueSources';

describe('parseTargetPath', () => {
  it('reads Helm --set paths: dots, escaped dots and list indexes', () => {
    expect(parseTargetPath('db.password')).toEqual(['db', 'password']);
    expect(
      parseTargetPath('ingress.annotations.cert-manager\\.io/issuer'),
    ).toEqual(['ingress', 'annotations', 'cert-manager.io/issuer']);
    expect(parseTargetPath('env[0].value')).toEqual(['env', '0', 'value']);
    expect(parseTargetPath('matrix[1][2]')).toEqual(['matrix', '1', '2']);
  });

  it('reads nothing it cannot be sure of', () => {
    for (const text of [
      '',
      'a..b',
      '.a',
      'a[x]',
      'a[1',
      '[0]',
      'a[0]b',
      'x'.repeat(251),
    ]) {
      expect(parseTargetPath(text)).toBeUndefined();
    }
  });
});

describe('valueSources', () => {
  it('takes every v1 valuesFrom and v2 one without targetPath as a whole merge', () => {
    expect(
      valueSources({ valuesFrom: [{ secretKeyRef: { name: 'db' } }] })
        .mergesWhole,
    ).toBe(true);
    expect(
      valueSources({ valuesFrom: [{ configMapKeyRef: { name: 'cfg' } }] })
        .mergesWhole,
    ).toBe(true);
    expect(
      valueSources({
        valuesFrom: [{ kind: 'Secret', name: 'db', valuesKey: 'values.yaml' }],
      }).mergesWhole,
    ).toBe(true);
    expect(
      valueSources({ upgrade: { preserveValues: true } }).mergesWhole,
    ).toBe(true);
    expect(valueSources({ valuesFrom: 'not a list' }).mergesWhole).toBe(true);
    expect(
      valueSources({
        valuesFrom: [{ kind: 'Secret', name: 'db', targetPath: 'a..b' }],
      }).mergesWhole,
    ).toBe(true);
  });

  it('keeps v2 target paths apart, from git and from the object in the cluster', () => {
    const sources = valueSources(
      {
        valuesFrom: [
          {
            kind: 'Secret',
            name: 'db',
            valuesKey: 'url',
            targetPath: 'db.url',
          },
        ],
      },
      {
        valuesFrom: [
          { kind: 'ConfigMap', name: 'env', targetPath: 'env[0].value' },
        ],
      },
      undefined,
    );
    expect(sources).toEqual({
      mergesWhole: false,
      targetPaths: [
        ['db', 'url'],
        ['env', '0', 'value'],
      ],
    });
    expect(touchesTargetPath(sources, ['db', 'url'])).toBe(true);
    expect(touchesTargetPath(sources, ['db'])).toBe(true);
    expect(touchesTargetPath(sources, ['env', 0, 'value', 'x'])).toBe(true);
    expect(touchesTargetPath(sources, ['db', 'host'])).toBe(false);
    expect(touchesTargetPath(sources, ['replicaCount'])).toBe(false);
  });

  it('finds no source in a spec without any', () => {
    expect(valueSources({ values: { a: 1 } }, null)).toEqual({
      mergesWhole: false,
      targetPaths: [],
    });
  });
});

import { fromFieldsV1, leafPaths, overlaps, toFieldsV1 } from './fieldPaths';
import { ResourceRegistry } from './resourceTypes';

describe('field paths', () => {
  const registry = new ResourceRegistry();
  const helmReleases = registry.byKind('helm.fluxcd.io', 'v1', 'HelmRelease')!;

  it('finds the ownable leaves, leaving out server metadata and status', () => {
    const paths = leafPaths(
      {
        apiVersion: 'helm.fluxcd.io/v1',
        kind: 'HelmRelease',
        metadata: { name: 'x', resourceVersion: '3', labels: { app: 'x' } },
        spec: { values: { image: { tag: 'a' }, ports: [80], empty: {} } },
        status: { phase: 'Deployed' },
      },
      helmReleases,
      'object',
    );
    expect(paths).toEqual([
      ['metadata', 'labels', 'app'],
      ['spec', 'values', 'image', 'tag'],
      ['spec', 'values', 'ports'],
      ['spec', 'values', 'empty'],
    ]);
    expect(
      leafPaths(
        { status: { phase: 'Deployed' }, spec: { a: 1 } },
        helmReleases,
        'status',
      ),
    ).toEqual([['status', 'phase']]);
  });

  it('round-trips through fieldsV1, reading list-item keys as owning the list', () => {
    const paths = [
      ['spec', 'a'],
      ['spec', 'b', 'c'],
    ];
    expect(toFieldsV1(paths)).toEqual({
      'f:spec': { 'f:a': {}, 'f:b': { 'f:c': {} } },
    });
    expect(fromFieldsV1(toFieldsV1(paths))).toEqual(paths);
    expect(
      fromFieldsV1({
        'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {} } } },
      }),
    ).toEqual([['spec', 'containers']]);
  });

  it('treats a path and anything inside it as overlapping', () => {
    expect(overlaps(['spec', 'values'], ['spec', 'values', 'tag'])).toBe(true);
    expect(overlaps(['spec', 'values', 'tag'], ['spec', 'values'])).toBe(true);
    expect(
      overlaps(['spec', 'values', 'tag'], ['spec', 'values', 'repo']),
    ).toBe(false);
  });
});

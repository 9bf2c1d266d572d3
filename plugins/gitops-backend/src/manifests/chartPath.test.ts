import { checkChartPath, normalizeChartPath } from './chartPath';

/** A commit as `git ls-tree -r -t` lists it. */
const TREE = new Map<string, string>([
  ['charts', '040000'],
  ['charts/podinfo', '040000'],
  ['charts/podinfo/Chart.yaml', '100644'],
  ['charts/podinfo/templates', '040000'],
  ['charts/podinfo/templates/deployment.yaml', '100644'],
  ['charts/link', '120000'], // -> ../../somewhere
  ['charts/vendored', '160000'],
  ['releases', '040000'],
  ['releases/dev', '040000'],
  ['releases/dev/podinfo.yaml', '100644'],
  ['README.md', '100644'],
]);

describe('checkChartPath', () => {
  it.each([
    ['charts/podinfo', 'charts/podinfo'],
    ['./charts/podinfo/', 'charts/podinfo'],
    ['charts//podinfo', 'charts/podinfo'],
    ['charts/../charts/podinfo', 'charts/podinfo'],
    ['charts/podinfo/templates/..', 'charts/podinfo'],
    ['.', '.'],
    ['./', '.'],
  ])('accepts %s as %s', (path, normalized) => {
    expect(checkChartPath(path, TREE)).toEqual({ ok: true, normalized });
  });

  it.each([
    ['../x', 'leaves the repository'],
    ['charts/../../x', 'leaves the repository'],
    ['/abs', 'is absolute'],
    ['/charts/podinfo', 'is absolute'],
    ['C:/charts', 'is absolute'],
    ['charts\\..\\..\\etc', 'backslash'],
    ['charts/link', 'charts/link is a symlink'],
    ['charts/link/..', 'charts/link is a symlink'],
    ['charts/link/podinfo', 'charts/link is a symlink'],
    ['charts/vendored', 'submodule'],
    ['charts/missing', 'charts/missing is not a directory'],
    ['README.md', 'README.md is not a directory'],
    ['charts/podinfo/Chart.yaml', 'not a directory'],
    ['', 'empty'],
  ])('refuses %p', (path, message) => {
    const result = checkChartPath(path, TREE);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it('finds directories in listings without tree entries', () => {
    const blobsOnly = new Map([
      ['charts/podinfo/Chart.yaml', '100644'],
      ['charts/app/link', '120000'],
    ]);
    expect(checkChartPath('charts/podinfo', blobsOnly)).toEqual({
      ok: true,
      normalized: 'charts/podinfo',
    });
    expect(checkChartPath('charts/app/link/..', blobsOnly).ok).toBe(false);
    expect(checkChartPath('charts/podinfo2', blobsOnly).ok).toBe(false);
  });
});

describe('normalizeChartPath', () => {
  it.each([
    ['./charts/podinfo/', 'charts/podinfo', ['charts', 'charts/podinfo']],
    ['charts//podinfo', 'charts/podinfo', ['charts', 'charts/podinfo']],
    [
      'a/../charts/podinfo',
      'charts/podinfo',
      ['a', 'charts', 'charts/podinfo'],
    ],
    ['./', '.', []],
  ])('writes %s as %s, entering %j', (path, normalized, entered) => {
    expect(normalizeChartPath(path)).toEqual({ ok: true, normalized, entered });
  });

  it('refuses what no commit could make acceptable, as checkChartPath does', () => {
    for (const path of ['../x', '/abs', 'charts\\podinfo', '']) {
      const result = normalizeChartPath(path);
      expect(result.ok).toBe(false);
      expect(result).toEqual(checkChartPath(path, TREE));
    }
  });
});

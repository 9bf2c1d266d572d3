import { findDuplicateReleases } from './duplicateReleases';
import { parseManifestFile } from './parseManifestFile';
import { HelmReleaseManifest } from './types';

function releases(path: string, ...documents: string[]): HelmReleaseManifest[] {
  const file = parseManifestFile(
    path,
    documents
      .map(
        d =>
          `apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\n${d}\n  chart: {git: "git@example.com:c", path: charts/app}\n`,
      )
      .join('---\n'),
  );
  expect(file.errors).toEqual([]);
  return file.helmReleases;
}

describe('findDuplicateReleases', () => {
  it('finds nothing among distinct releases', () => {
    expect(
      findDuplicateReleases([
        ...releases(
          'releases/dev/a.yaml',
          'metadata: {name: a, namespace: dev}\nspec:',
        ),
        ...releases(
          'releases/dev/b.yaml',
          'metadata: {name: b, namespace: dev}\nspec:',
        ),
        // The same name in another namespace is another object.
        ...releases(
          'releases/dev/c.yaml',
          'metadata: {name: a, namespace: other}\nspec:',
        ),
      ]),
    ).toEqual([]);
  });

  it('reports the later of two releases with the same name, naming both files', () => {
    const later = releases(
      'releases/dev/z.yaml',
      'metadata: {name: app, namespace: dev}\nspec:',
    );
    const first = releases(
      'releases/dev/a.yaml',
      'metadata: {name: app, namespace: dev}\nspec:',
    );
    expect(findDuplicateReleases([...later, ...first])).toEqual([
      {
        path: 'releases/dev/z.yaml',
        line: 1,
        message:
          'HelmRelease dev/app in releases/dev/z.yaml (document 0, line 1) is already defined in releases/dev/a.yaml (document 0, line 1)',
      },
    ]);
  });

  it('reports the same Helm release name, including a defaulted one', () => {
    const found = findDuplicateReleases([
      ...releases(
        'releases/dev/a.yaml',
        'metadata: {name: app, namespace: dev}\nspec:',
      ),
      ...releases(
        'releases/dev/b.yaml',
        'metadata: {name: other, namespace: dev}\nspec:\n  releaseName: dev-app',
      ),
    ]);
    expect(found).toEqual([
      {
        path: 'releases/dev/b.yaml',
        line: 1,
        message:
          'HelmRelease dev/other in releases/dev/b.yaml (document 0, line 1) uses Helm release name dev-app in namespace dev, already used by dev/app in releases/dev/a.yaml (document 0, line 1)',
      },
    ]);
  });

  it('reports each duplicate once, within one file too', () => {
    const all = releases(
      'releases/dev/all.yaml',
      'metadata: {name: app, namespace: dev}\nspec:',
      'metadata: {name: app, namespace: dev}\nspec:',
      'metadata: {name: app, namespace: dev}\nspec:',
    );
    const found = findDuplicateReleases(all);
    expect(found.map(e => e.line)).toEqual([7, 13]);
    expect(found[1].message).toContain(
      '(document 2, line 13) is already defined in releases/dev/all.yaml (document 0, line 1)',
    );
  });
});

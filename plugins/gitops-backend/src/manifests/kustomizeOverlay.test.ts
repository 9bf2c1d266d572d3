import fs from 'node:fs/promises';
import path from 'node:path';
import { OverlayFileContent, readKustomizeOverlay } from './kustomizeOverlay';
import { readOverlayManifests } from './overlayResources';

const exampleRoot = path.resolve(
  __dirname,
  '../../../../examples/config-repo-v2',
);

/** Reads the committed example repository from disk, recording what was asked for. */
function exampleReader(asked: string[] = []) {
  return async (paths: string[]) => {
    asked.push(...paths);
    const found = new Map<string, OverlayFileContent>();
    for (const p of paths) {
      try {
        const stat = await fs.stat(path.join(exampleRoot, p));
        if (stat.isFile())
          found.set(p, await fs.readFile(path.join(exampleRoot, p)));
      } catch {
        // absent
      }
    }
    return found;
  };
}

/** An in-memory repository. */
function filesReader(files: Record<string, string>) {
  return async (paths: string[]) =>
    new Map<string, OverlayFileContent>(
      paths.filter(p => files[p] !== undefined).map(p => [p, files[p]]),
    );
}

const release = (
  name: string,
  values: string,
  extra = '',
) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
${extra}spec:
  chart:
    spec:
      chart: podinfo
      sourceRef:
        kind: HelmRepository
        name: podinfo
  values:
${values}`;

describe('readKustomizeOverlay', () => {
  it('yields the example staging overlay: base release, patch merged, namespace applied', async () => {
    const overlay = await readKustomizeOverlay('apps/staging', exampleReader());
    expect(overlay.kustomization).toBe('apps/staging/kustomization.yaml');
    expect(overlay.problems).toEqual([]);
    expect(
      overlay.resources.map(r => `${r.object.kind} ${r.source.path}`),
    ).toEqual([
      'Namespace apps/staging/namespace.yaml',
      'HelmRelease apps/base/podinfo/release.yaml',
    ]);
    const podinfo = overlay.resources[1];
    expect(podinfo.object).toMatchObject({
      metadata: { name: 'podinfo', namespace: 'staging' },
      spec: {
        values: {
          image: {
            repository: 'ghcr.io/stefanprodan/podinfo',
            tag: '6.5.0-rc.1',
          },
          replicaCount: 1,
        },
      },
    });
    expect(podinfo.patches).toEqual([
      { path: 'apps/staging/podinfo-values.yaml', document: 0, line: 1 },
    ]);
    expect(podinfo.files).toEqual([
      'apps/base/podinfo/kustomization.yaml',
      'apps/base/podinfo/release.yaml',
      'apps/staging/kustomization.yaml',
      'apps/staging/podinfo-values.yaml',
    ]);
    // The Namespace stays cluster-scoped.
    expect(overlay.resources[0].object.metadata).toEqual({ name: 'staging' });

    const { helmReleases, problems } = readOverlayManifests(overlay);
    expect(problems).toEqual([]);
    const [{ release: manifest, imageFiles }] = helmReleases;
    expect(manifest).toMatchObject({
      name: 'podinfo',
      namespace: 'staging',
      source: podinfo.source,
    });
    expect(manifest.images).toEqual([
      expect.objectContaining({
        container: 'chart-image',
        repository: 'stefanprodan/podinfo',
        registry: 'ghcr.io',
        tag: '6.5.0-rc.1',
        imagePolicyRef: {
          namespace: 'flux-system',
          name: 'podinfo-staging',
          field: 'tag',
        },
      }),
    ]);
    expect(imageFiles.get('chart-image')).toBe(
      'apps/staging/podinfo-values.yaml',
    );
  });

  it('merges mappings deeply, replaces sequences, removes on null, and lets the outermost namespace win', async () => {
    const files = {
      'base/kustomization.yaml': 'namespace: inner\nresources:\n  - app.yaml\n',
      'base/app.yaml': release(
        'app',
        '    a: {b: 1, c: 2}\n    list: [1, 2]\n    gone: x\n    tag: 1.10\n',
      ),
      'env/kustomization.yaml':
        'namespace: outer\nresources:\n  - ../base\npatchesStrategicMerge:\n  - patch.yaml\n',
      'env/patch.yaml':
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  values:\n    a: {c: 3}\n    list: [9]\n    gone: null\n',
    };
    const overlay = await readKustomizeOverlay('env', filesReader(files));
    expect(overlay.problems).toEqual([]);
    expect(overlay.resources[0].object).toMatchObject({
      metadata: { namespace: 'outer' },
      spec: { values: { a: { b: 1, c: 3 }, list: [9] } },
    });
    expect((overlay.resources[0].object.spec as any).values).not.toHaveProperty(
      'gone',
    );
    // The written text of a tag survives the merge.
    const [{ release: manifest }] = readOverlayManifests(overlay).helmReleases;
    expect(manifest.namespace).toBe('outer');
    expect(overlay.resources[0].document.text).toContain('tag: 1.10');
  });

  it('validates releases only after merging, and never a patch on its own', async () => {
    const files = {
      'env/kustomization.yaml':
        'resources:\n  - app.yaml\npatches:\n  - path: values.yaml\n    target: {kind: HelmRelease, name: app}\n',
      // Not a whole HelmRelease (no chart): only a patch.
      'env/values.yaml':
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ignored-by-target\nspec:\n  values:\n    replicaCount: 2\n',
      'env/app.yaml': release('app', '    replicaCount: 1\n'),
    };
    const overlay = await readKustomizeOverlay('env', filesReader(files));
    const manifests = readOverlayManifests(overlay);
    expect(manifests.problems).toEqual([]);
    expect(manifests.helmReleases.map(r => r.release.values)).toEqual([
      { replicaCount: 2 },
    ]);

    // A patch that patches nothing is said, without blocking.
    const stray = {
      ...files,
      'env/kustomization.yaml': files['env/kustomization.yaml'].replace(
        'name: app}',
        'name: other}',
      ),
    };
    const strayOverlay = await readKustomizeOverlay('env', filesReader(stray));
    expect(strayOverlay.unmatchedPatches).toEqual(['env/values.yaml']);
    expect(strayOverlay.problems).toEqual([
      {
        path: 'env/values.yaml',
        message: 'this patch matches no resource of the overlay',
        blocking: false,
      },
    ]);

    // A patch that breaks the release is reported on the resource, blocking.
    files['env/values.yaml'] =
      'kind: HelmRelease\nmetadata:\n  name: app\nspec:\n  chart: null\n';
    const broken = readOverlayManifests(
      await readKustomizeOverlay('env', filesReader(files)),
    );
    expect(broken.helmReleases).toEqual([]);
    expect(broken.problems).toEqual([
      expect.objectContaining({
        path: 'env/app.yaml',
        blocking: true,
        message: expect.stringMatching(/merged with env\/values\.yaml.*chart/),
      }),
    ]);
  });

  it('refuses cycles and paths leaving the repository, and says what it does not read', async () => {
    const files = {
      'a/kustomization.yaml': [
        'resources:',
        '  - ../b',
        '  - ../../outside',
        '  - https://github.com/org/repo//deploy?ref=v1',
        'patches:',
        '  - patch: |-',
        '      - op: replace',
        'configMapGenerator:',
        '  - name: x',
        'components:',
        '  - ../c',
        '',
      ].join('\n'),
      'b/kustomization.yaml': 'resources:\n  - ../a\n  - app.yaml\n',
      'b/app.yaml': release('app', '    replicaCount: 1\n'),
    };
    const overlay = await readKustomizeOverlay('a', filesReader(files));
    expect(overlay.resources.map(r => r.source.path)).toEqual(['b/app.yaml']);
    expect(overlay.problems.map(p => [p.path, p.blocking, p.message])).toEqual(
      expect.arrayContaining([
        [
          'a/kustomization.yaml',
          true,
          expect.stringMatching(/\.\.\/\.\.\/outside leaves the repository/),
        ],
        [
          'a/kustomization.yaml',
          false,
          expect.stringMatching(/remote and is not read/),
        ],
        [
          'a/kustomization.yaml',
          false,
          expect.stringMatching(/inline patch is not read/),
        ],
        [
          'a/kustomization.yaml',
          false,
          expect.stringMatching(/^configMapGenerator is not read/),
        ],
        [
          'a/kustomization.yaml',
          false,
          expect.stringMatching(/^components is not read/),
        ],
        [
          'b/kustomization.yaml',
          true,
          expect.stringMatching(/includes itself \(a -> b -> a\)/),
        ],
      ]),
    );
    expect(overlay.problems).toHaveLength(6);
  });

  it('reads only the files it is asked to, kustomizations always', async () => {
    const asked: string[] = [];
    const overlay = await readKustomizeOverlay(
      'apps/production',
      exampleReader(asked),
      {
        onlyFiles: new Set([
          'apps/production/podinfo-values.yaml',
          'apps/base/podinfo/release.yaml',
        ]),
      },
    );
    expect(overlay.problems).toEqual([]);
    expect(overlay.resources.map(r => r.source.path)).toEqual([
      'apps/base/podinfo/release.yaml',
    ]);
    expect(asked).not.toContain('apps/production/namespace.yaml');
    expect(overlay.files).toEqual([
      'apps/base/podinfo/kustomization.yaml',
      'apps/base/podinfo/release.yaml',
      'apps/production/kustomization.yaml',
      'apps/production/podinfo-values.yaml',
    ]);
  });

  it('reads a few files asked for in one batch, with the same answer as level by level', async () => {
    const onlyFiles = new Set([
      'apps/production/podinfo-values.yaml',
      'apps/base/podinfo/release.yaml',
    ]);
    const batches: string[][] = [];
    const read = exampleReader();
    const overlay = await readKustomizeOverlay(
      'apps/production',
      paths => {
        batches.push(paths);
        return read(paths);
      },
      { onlyFiles },
    );
    expect(batches).toHaveLength(1);
    expect(batches[0]).not.toContain('apps/production/namespace.yaml');
    // Past the read-ahead bound, level by level as before: same overlay.
    const many = new Set([
      ...onlyFiles,
      ...Array.from({ length: 300 }, (_, i) => `elsewhere/f-${i}.yaml`),
    ]);
    const levelByLevel = await readKustomizeOverlay(
      'apps/production',
      exampleReader(),
      { onlyFiles: many },
    );
    const text = (o: typeof overlay) => ({
      ...o,
      resources: o.resources.map(r => ({ ...r, document: r.document.text })),
    });
    expect(text(overlay)).toEqual(text(levelByLevel));
  });

  it('is no overlay where there is no kustomization file', async () => {
    const overlay = await readKustomizeOverlay(
      'clusters/staging',
      exampleReader(),
    );
    expect(overlay).toEqual({
      folder: 'clusters/staging',
      resources: [],
      files: [],
      unmatchedPatches: [],
      problems: [],
    });
  });
});

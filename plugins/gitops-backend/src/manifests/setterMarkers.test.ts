import { ParsedManifestFile, parseManifestFile } from './index';
import {
  fluxV1ReleaseYaml,
  fluxV2ReleaseYaml,
} from './__testUtils__/releaseYaml';

/** A Flux v2 release whose values are given as lines indented under `values:`. */
function release(
  values: string[],
  annotations: string[] = [],
): ParsedManifestFile {
  return parseManifestFile(
    'apps/app.yaml',
    fluxV2ReleaseYaml({ namespace: 'apps', annotations, values }),
  );
}

/** The ghcr.io/org/app:1.2.3 image marked with the flux-system:app policy, at `paths`. */
const markedAppImage = (paths: Record<string, string>) => ({
  container: 'chart-image',
  registry: 'ghcr.io',
  repository: 'org/app',
  tag: '1.2.3',
  paths,
  shape: 'setter-marker',
  imagePolicyRef: { namespace: 'flux-system', name: 'app' },
});

/** Line of the n-th (0-based) values line when there are no annotations. */
const valuesLine = (n: number) => 12 + n;

describe('Flux v2 image policy setter markers', () => {
  it('reads a marker on a whole image', () => {
    const file = release([
      'image: ghcr.io/org/app:1.2.3 # {"$imagepolicy": "flux-system:app"}',
    ]);
    expect(file.errors).toEqual([]);
    expect(file.helmReleases[0].images).toEqual([
      markedAppImage({ image: 'image' }),
    ]);
  });

  it('merges the :name and :tag markers of one mapping into one image', () => {
    const file = release([
      'image:',
      '  repository: ghcr.io/org/app # {"$imagepolicy": "flux-system:app:name"}',
      '  tag: "1.2.3" # {"$imagepolicy": "flux-system:app:tag"}',
      '  pullPolicy: IfNotPresent',
    ]);
    expect(file.errors).toEqual([]);
    expect(file.helmReleases[0].images).toEqual([
      markedAppImage({ repository: 'image.repository', tag: 'image.tag' }),
    ]);
  });

  it('reads a lone :tag marker, taking the repository from its sibling but listing only the tag path', () => {
    const file = release([
      'worker:',
      '  image:',
      '    repository: org/worker',
      '    tag: 2.0.0 # {"$imagepolicy": "apps:worker:tag"}',
    ]);
    expect(file.helmReleases[0].images).toEqual([
      {
        container: 'worker',
        repository: 'org/worker',
        tag: '2.0.0',
        paths: { tag: 'worker.image.tag' },
        shape: 'setter-marker',
        imagePolicyRef: { namespace: 'apps', name: 'worker', field: 'tag' },
      },
    ]);
  });

  it('reads a :digest marker with the tag and repository beside it', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const file = release([
      'image:',
      '  repository: ghcr.io/org/app',
      '  tag: 1.2.3 # {"$imagepolicy": "flux-system:app:tag"}',
      `  digest: ${digest} # {"$imagepolicy": "flux-system:app:digest"}`,
    ]);
    expect(file.errors).toEqual([]);
    expect(file.helmReleases[0].images).toEqual([
      {
        ...markedAppImage({ tag: 'image.tag', digest: 'image.digest' }),
        digest,
        imagePolicyRef: {
          namespace: 'flux-system',
          name: 'app',
          field: 'digest',
        },
      },
    ]);
  });

  it('refuses a :digest marker on a value that is no digest', () => {
    const file = release([
      'image:',
      '  repository: ghcr.io/org/app',
      '  digest: latest # {"$imagepolicy": "flux-system:app:digest"}',
    ]);
    expect(file.errors.map(e => e.message)).toEqual([
      'spec.values.image.digest carries an image policy marker for a digest but does not hold a digest',
    ]);
  });

  it('keeps :name and :tag of different policies apart', () => {
    const file = release([
      'image:',
      '  repository: org/app # {"$imagepolicy": "flux-system:names:name"}',
      '  tag: 1.0.0 # {"$imagepolicy": "flux-system:tags:tag"}',
      'sidecar:',
      '  image: org/sidecar:3.0 # {"$imagepolicy": "flux-system:sidecar"}',
    ]);
    const found = file.helmReleases[0].images;
    expect(found.map(i => [i.container, i.imagePolicyRef, i.paths])).toEqual([
      [
        'chart-image',
        { namespace: 'flux-system', name: 'names', field: 'name' },
        { repository: 'image.repository' },
      ],
      // The second image of the same mapping is named by its path.
      [
        'image.tag',
        { namespace: 'flux-system', name: 'tags', field: 'tag' },
        { tag: 'image.tag' },
      ],
      [
        'sidecar',
        { namespace: 'flux-system', name: 'sidecar' },
        { image: 'sidecar.image' },
      ],
    ]);
  });

  it('finds markers deep in the values and in sequences', () => {
    const file = release([
      'app:',
      '  sidecars:',
      '    - name: proxy',
      '      image: envoyproxy/envoy:v1.29.0 # {"$imagepolicy": "flux-system:envoy"}',
      '  init:',
      '    images:',
      '      - busybox:1.36 # {"$imagepolicy": "flux-system:busybox"}',
    ]);
    expect(file.errors).toEqual([]);
    expect(
      file.helmReleases[0].images.map(i => [
        i.container,
        i.repository,
        i.tag,
        i.paths.image,
      ]),
    ).toEqual([
      ['app.init.images', 'busybox', '1.36', 'app.init.images.0'],
      ['app.sidecars.0', 'envoyproxy/envoy', 'v1.29.0', 'app.sidecars.0.image'],
    ]);
  });

  it('replaces the image found by shape at the same place', () => {
    const file = release(
      [
        'image:',
        '  repository: org/app',
        '  tag: 1.0.0 # {"$imagepolicy": "flux-system:app:tag"}',
      ],
      ['fluxcd.io/automated: "true"'],
    );
    expect(file.helmReleases[0].images).toEqual([
      expect.objectContaining({
        container: 'chart-image',
        shape: 'setter-marker',
        policy: 'glob:*',
        paths: { tag: 'image.tag' },
      }),
    ]);
  });

  it('ignores ordinary comments, comments on the next line and markers in block scalars', () => {
    const file = release([
      'image: org/app:1.0 # pinned until the migration is done',
      'notes: |',
      '  tag: 1 # {"$imagepolicy": "flux-system:nope"}',
      'web:',
      '  image: org/web:2.0',
      '  # {"$imagepolicy": "flux-system:web"}',
    ]);
    expect(file.errors).toEqual([]);
    expect(
      file.helmReleases[0].images.map(i => [i.container, i.shape]),
    ).toEqual([
      ['chart-image', 'image-string'],
      ['web', 'image-string'],
    ]);
  });

  it('reports malformed markers at their line and keeps the release', () => {
    const file = release([
      'image: org/app:1.0 # {"$imagepolicy": "app"}',
      'a:',
      '  image: org/a:1.0 # {"$imagepolicy": flux-system:a}',
      'b:',
      '  image: org/b:1.0 # {"$imagepolicy": "flux-system:b:latest"}',
      'c:',
      '  image: "not an image" # {"$imagepolicy": "flux-system:c"}',
    ]);
    expect(file.helmReleases).toHaveLength(1);
    expect(file.errors).toEqual([
      {
        path: 'apps/app.yaml',
        line: valuesLine(0),
        message:
          'image policy marker {"$imagepolicy": "app"} must name a policy as "<namespace>:<name>", optionally followed by ":tag", ":name" or ":digest"',
      },
      {
        path: 'apps/app.yaml',
        line: valuesLine(2),
        message:
          'image policy marker {"$imagepolicy": flux-system:a} is not valid JSON',
      },
      {
        path: 'apps/app.yaml',
        line: valuesLine(4),
        message:
          'image policy marker {"$imagepolicy": "flux-system:b:latest"} asks for "latest", but only whole images, ":tag", ":name" and ":digest" are supported',
      },
      {
        path: 'apps/app.yaml',
        line: valuesLine(6),
        message:
          'spec.values.c.image carries an image policy marker but does not hold an image reference',
      },
    ]);
    // Broken markers leave the images found by shape in place.
    expect(
      file.helmReleases[0].images.map(i => [i.container, i.shape]),
    ).toEqual([
      ['chart-image', 'image-string'],
      ['a', 'image-string'],
      ['b', 'image-string'],
    ]);
  });

  it('reports a marker under a key with a dot, which a dot path cannot name', () => {
    const file = release([
      'podAnnotations:',
      '  example.com/image: org/app:1.0 # {"$imagepolicy": "flux-system:app"}',
    ]);
    expect(file.helmReleases[0].images).toEqual([]);
    expect(file.errors).toEqual([
      {
        path: 'apps/app.yaml',
        line: valuesLine(1),
        message:
          'image policy marker on spec.values.podAnnotations.example.com/image is ignored: a key with a dot cannot be named by a dot path',
      },
    ]);
  });

  it('pairs thousands of markers without slowing down', () => {
    const values: string[] = [];
    for (let i = 0; i < 5000; i++) {
      values.push(
        `c${i}:`,
        `  repository: org/c${i} # {"$imagepolicy": "flux-system:c${i}:name"}`,
        `  tag: "1.${i}" # {"$imagepolicy": "flux-system:c${i}:tag"}`,
      );
    }
    const started = Date.now();
    const file = release(values);
    expect(Date.now() - started).toBeLessThan(10_000);
    const found = file.helmReleases[0].images;
    expect(found).toHaveLength(5000);
    expect(found.find(i => i.container === 'c4321')).toMatchObject({
      repository: 'org/c4321',
      tag: '1.4321',
      paths: { repository: 'c4321.repository', tag: 'c4321.tag' },
    });
  });

  it('reads markers in v1 releases too', () => {
    const file = parseManifestFile(
      'r.yaml',
      fluxV1ReleaseYaml({
        namespace: 'dev',
        values: ['image: org/app:1.0 # {"$imagepolicy": "flux-system:app"}'],
      }),
    );
    expect(file.helmReleases[0].images[0]).toMatchObject({
      shape: 'setter-marker',
      imagePolicyRef: { namespace: 'flux-system', name: 'app' },
    });
  });
});

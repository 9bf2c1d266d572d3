import { ImageReference, ParsedManifestFile, parseManifestFile } from './index';
import { fluxV1ReleaseYaml } from './__testUtils__/releaseYaml';

/** A v1 release whose annotations and values are given as indented lines. */
function release(annotations: string[], values: string[]): ParsedManifestFile {
  return parseManifestFile(
    'releases/dev/app.yaml',
    fluxV1ReleaseYaml({ namespace: 'dev', annotations, values }),
  );
}

function images(annotations: string[], values: string[]): ImageReference[] {
  const file = release(annotations, values);
  expect(file.errors).toEqual([]);
  expect(file.helmReleases).toHaveLength(1);
  return file.helmReleases[0].images;
}

describe('images in HelmRelease values, by shape', () => {
  it('reads a top-level image string', () => {
    expect(images([], ['image: stefanprodan/podinfo:dev-kb9lm91e'])).toEqual([
      {
        container: 'chart-image',
        repository: 'stefanprodan/podinfo',
        tag: 'dev-kb9lm91e',
        paths: { image: 'image' },
        shape: 'image-string',
      },
    ]);
  });

  it('reads image and tag siblings, the tag winning over one in the image', () => {
    expect(images([], ['image: org/app', 'tag: 1.2.3'])).toEqual([
      {
        container: 'chart-image',
        repository: 'org/app',
        tag: '1.2.3',
        paths: { image: 'image', tag: 'tag' },
        shape: 'image-and-tag',
      },
    ]);
    expect(images([], ['image: org/app:0.9', 'tag: "1.0"'])[0].tag).toBe('1.0');
  });

  it('reads registry, image and tag siblings', () => {
    expect(
      images(
        [],
        ['registry: registry.example.com:5000', 'image: team/app', 'tag: v2'],
      ),
    ).toEqual([
      {
        container: 'chart-image',
        registry: 'registry.example.com:5000',
        repository: 'team/app',
        tag: 'v2',
        paths: { registry: 'registry', image: 'image', tag: 'tag' },
        shape: 'registry-image-tag',
      },
    ]);
  });

  it('reads a registry sibling without a tag, the tag staying in the image', () => {
    expect(images([], ['registry: quay.io', 'image: team/app:v3'])).toEqual([
      {
        container: 'chart-image',
        registry: 'quay.io',
        repository: 'team/app',
        tag: 'v3',
        paths: { registry: 'registry', image: 'image' },
        shape: 'registry-image-tag',
      },
    ]);
  });

  it('reads an image object with and without a registry', () => {
    expect(
      images([], ['image:', '  repository: org/app', '  tag: 2.0.1']),
    ).toEqual([
      {
        container: 'chart-image',
        repository: 'org/app',
        tag: '2.0.1',
        paths: { repository: 'image.repository', tag: 'image.tag' },
        shape: 'image-object',
      },
    ]);
    expect(
      images(
        [],
        [
          'image:',
          '  registry: docker.io',
          '  repository: bitnami/redis',
          '  tag: 7.2.4',
        ],
      ),
    ).toEqual([
      {
        container: 'chart-image',
        registry: 'docker.io',
        repository: 'bitnami/redis',
        tag: '7.2.4',
        paths: {
          registry: 'image.registry',
          repository: 'image.repository',
          tag: 'image.tag',
        },
        shape: 'image-object-registry',
      },
    ]);
  });

  it('names first-level containers by their key and sorts chart-image first', () => {
    const found = images(
      [],
      [
        'worker:',
        '  image: org/worker:1.0.0',
        'image:',
        '  repository: org/app',
        '  tag: 1.0.0',
        'cache:',
        '  image:',
        '    repository: redis',
        '    tag: "7"',
        'migrations:',
        '  registry: ghcr.io',
        '  image: org/migrate',
        '  tag: 3.1.0',
        'ingress:',
        '  enabled: true',
      ],
    );
    expect(
      found.map(i => [
        i.container,
        i.shape,
        i.registry,
        i.repository,
        i.tag,
        i.paths,
      ]),
    ).toEqual([
      [
        'chart-image',
        'image-object',
        undefined,
        'org/app',
        '1.0.0',
        { repository: 'image.repository', tag: 'image.tag' },
      ],
      [
        'cache',
        'image-object',
        undefined,
        'redis',
        '7',
        { repository: 'cache.image.repository', tag: 'cache.image.tag' },
      ],
      [
        'migrations',
        'registry-image-tag',
        'ghcr.io',
        'org/migrate',
        '3.1.0',
        {
          registry: 'migrations.registry',
          image: 'migrations.image',
          tag: 'migrations.tag',
        },
      ],
      [
        'worker',
        'image-string',
        undefined,
        'org/worker',
        '1.0.0',
        { image: 'worker.image' },
      ],
    ]);
  });

  it('does not look deeper than the first level, nor into sequences', () => {
    expect(
      images(
        [],
        [
          'app:',
          '  sidecar:',
          '    image: org/sidecar:1.0',
          'initContainers:',
          '  - image: busybox:1.36',
        ],
      ),
    ).toEqual([]);
  });

  it('ignores values that are not image references', () => {
    expect(
      images(
        [],
        [
          'image: true',
          'web:',
          '  image: "not an image"',
          'api:',
          '  image: Org/App:1',
          'job:',
          '  image:',
          '    tag: 1.0.0',
        ],
      ),
    ).toEqual([]);
  });

  it.each([
    [
      'ghcr.io/org/app:1.2.3',
      { registry: 'ghcr.io', repository: 'org/app', tag: '1.2.3' },
    ],
    [
      'registry.local:5000/app:9',
      { registry: 'registry.local:5000', repository: 'app', tag: '9' },
    ],
    [
      'localhost/app:dev',
      { registry: 'localhost', repository: 'app', tag: 'dev' },
    ],
    [
      'stefanprodan/podinfo:0.4.10',
      { repository: 'stefanprodan/podinfo', tag: '0.4.10' },
    ],
    ['nginx', { repository: 'nginx', tag: '' }],
  ])('splits the registry host off %s', (image, expected) => {
    const [found] = images([], [`image: ${image}`]);
    expect({
      registry: found.registry,
      repository: found.repository,
      tag: found.tag,
    }).toEqual({
      registry: undefined,
      ...expected,
    });
  });

  it('keeps the written text of numeric tags', () => {
    const found = images(
      [],
      [
        'image: org/app',
        'tag: 1.10',
        'build:',
        '  image: org/build',
        '  tag: 20240131',
      ],
    );
    expect(found.map(i => i.tag)).toEqual(['1.10', '20240131']);
  });

  it('keeps an empty tag, which means the chart default', () => {
    expect(
      images([], ['image:', '  repository: org/app', '  tag: ""'])[0],
    ).toMatchObject({
      tag: '',
      paths: { repository: 'image.repository', tag: 'image.tag' },
    });
  });

  it('does not follow aliases, which a rewrite could not change in one place', () => {
    const found = images(
      [],
      ['shared: &img {repository: org/app, tag: "1.0"}', 'image: *img'],
    );
    expect(found).toEqual([]);
  });
});

describe('digest-pinned images', () => {
  const digest = `sha256:${'a'.repeat(64)}`;

  it('are reported with their digest and no policy, even when automated', () => {
    const found = images(
      ['fluxcd.io/automated: "true"'],
      [
        `image: ghcr.io/org/app@${digest}`,
        'sidecar:',
        `  image: org/sidecar:1.0@${digest}`,
        'web:',
        '  image: org/web:2.0',
      ],
    );
    expect(found).toEqual([
      {
        container: 'chart-image',
        registry: 'ghcr.io',
        repository: 'org/app',
        tag: '',
        digest,
        paths: { image: 'image' },
        shape: 'image-string',
      },
      {
        container: 'sidecar',
        repository: 'org/sidecar',
        tag: '1.0',
        digest,
        paths: { image: 'sidecar.image' },
        shape: 'image-string',
      },
      {
        container: 'web',
        repository: 'org/web',
        tag: '2.0',
        policy: 'glob:*',
        paths: { image: 'web.image' },
        shape: 'image-string',
      },
    ]);
  });
});

describe('image policies', () => {
  const values = [
    'image: org/app:dev-abc',
    'worker:',
    '  image: org/worker:dev-abc',
  ];

  it('leaves policy unset when the release is not automated and has no filter', () => {
    expect(images([], values).map(i => i.policy)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('defaults to glob:* per container of an automated release', () => {
    expect(
      images(['fluxcd.io/automated: "true"'], values).map(i => i.policy),
    ).toEqual(['glob:*', 'glob:*']);
  });

  it('keeps filters as written, per container', () => {
    const found = images(
      [
        'fluxcd.io/automated: "true"',
        'filter.fluxcd.io/chart-image: glob:dev-*',
        'filter.fluxcd.io/worker: "dev-*"',
      ],
      values,
    );
    expect(found.map(i => [i.container, i.policy])).toEqual([
      ['chart-image', 'glob:dev-*'],
      ['worker', 'dev-*'],
    ]);
  });

  it('reports a filter on a release that is not automated', () => {
    expect(
      images(['filter.fluxcd.io/chart-image: semver:~1.0'], values).map(
        i => i.policy,
      ),
    ).toEqual(['semver:~1.0', undefined]);
  });

  it('ranks filter.fluxcd.io over fluxcd.io/tag. over flux.weave.works/tag.', () => {
    const found = images(
      [
        'flux.weave.works/tag.chart-image: glob:legacy-*',
        'fluxcd.io/tag.chart-image: regex:^old-',
        'filter.fluxcd.io/chart-image: regexp:^new-',
        'flux.weave.works/tag.worker: glob:legacy-*',
        'fluxcd.io/tag.worker: semver:^2',
      ],
      values,
    );
    expect(found.map(i => i.policy)).toEqual(['regexp:^new-', 'semver:^2']);
  });
});

describe('images placed by annotations', () => {
  it('reads repository and tag paths, replacing the image found by shape', () => {
    const found = images(
      [
        'fluxcd.io/automated: "true"',
        'repository.fluxcd.io/chart-image: app.image.name',
        'tag.fluxcd.io/chart-image: app.image.version',
        'filter.fluxcd.io/chart-image: semver:~1',
      ],
      [
        'image: org/ignored:0.1',
        'app:',
        '  image:',
        '    name: org/app',
        '    version: 1.4.2',
      ],
    );
    expect(found).toEqual([
      {
        container: 'chart-image',
        repository: 'org/app',
        tag: '1.4.2',
        policy: 'semver:~1',
        paths: { repository: 'app.image.name', tag: 'app.image.version' },
        shape: 'annotation-paths',
      },
    ]);
  });

  it('reads a repository path holding the whole image', () => {
    expect(
      images(
        ['repository.fluxcd.io/api: deploy.api.ref'],
        ['deploy:', '  api:', '    ref: ghcr.io/org/api:5.0.0'],
      ),
    ).toEqual([
      {
        container: 'api',
        registry: 'ghcr.io',
        repository: 'org/api',
        tag: '5.0.0',
        paths: { repository: 'deploy.api.ref' },
        shape: 'annotation-paths',
      },
    ]);
  });

  it('reads registry, repository and tag paths', () => {
    expect(
      images(
        [
          'registry.fluxcd.io/db: global.registry',
          'repository.fluxcd.io/db: db.image',
          'tag.fluxcd.io/db: db.version',
        ],
        [
          'global: {registry: registry.example.com}',
          'db:',
          '  image: postgres',
          '  version: "16.2"',
        ],
      ),
    ).toEqual([
      {
        container: 'db',
        registry: 'registry.example.com',
        repository: 'postgres',
        tag: '16.2',
        paths: {
          registry: 'global.registry',
          repository: 'db.image',
          tag: 'db.version',
        },
        shape: 'annotation-paths',
      },
    ]);
  });

  it('keeps the release and reports annotation paths that lead nowhere at their line', () => {
    const file = release(
      [
        'repository.fluxcd.io/api: api.missing',
        'tag.fluxcd.io/web: web.tag',
        'repository.fluxcd.io/job: job.image',
        'tag.fluxcd.io/job: job.tag',
      ],
      ['image: org/app:1', 'job:', '  image: org/job', '  tag: {major: 1}'],
    );
    expect(file.helmReleases).toHaveLength(1);
    // The job container falls back to its shape: image string without tag.
    expect(
      file.helmReleases[0].images.map(i => [i.container, i.shape]),
    ).toEqual([
      ['chart-image', 'image-string'],
      ['job', 'image-string'],
    ]);
    expect(file.errors).toEqual([
      {
        path: 'releases/dev/app.yaml',
        line: 7,
        message:
          'repository.fluxcd.io/api names spec.values.api.missing, which is not a string in the values',
      },
      {
        path: 'releases/dev/app.yaml',
        line: 8,
        message:
          'container web has image path annotations but no repository.fluxcd.io/web, so its image is not tracked',
      },
      {
        path: 'releases/dev/app.yaml',
        line: 10,
        message:
          'tag.fluxcd.io/job names spec.values.job.tag, which is not a string in the values',
      },
    ]);
  });
});

import { ConflictError, InputError } from '@backstage/errors';
import { HelmReleaseManifest, parseManifestFile } from '../manifests';
import {
  fluxV1ReleaseYaml,
  fluxV2ReleaseYaml,
} from '../manifests/__testUtils__/releaseYaml';
import { ImageEdit, rewriteImageTags } from './index';

const PATH = 'releases/dev/app.yaml';

function releases(content: string): HelmReleaseManifest[] {
  const file = parseManifestFile(PATH, content);
  expect(file.errors).toEqual([]);
  return file.helmReleases;
}

/** An edit for one container of the only release (or the given one) in the file. */
function edit(
  content: string,
  container: string,
  newTag: string,
  releaseIndex = 0,
): ImageEdit {
  const release = releases(content)[releaseIndex];
  const image = release.images.find(i => i.container === container);
  if (!image) throw new Error(`no image for ${container}`);
  return { document: release.source.document, image, newTag };
}

/** The input with `from` replaced by `to`, where `from` occurs exactly once. */
function replacedOnce(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, () => to);
}

function v1Release(values: string[], annotations: string[] = []): string {
  return fluxV1ReleaseYaml({
    namespace: 'dev',
    annotations: ['fluxcd.io/automated: "true"', ...annotations],
    values,
  });
}

function rewriteOne(content: string, container: string, newTag: string) {
  return rewriteMany(content, [[container, newTag]]);
}

/** Rewrites `content` once with an edit per [container, new tag, release index]. */
function rewriteMany(
  content: string,
  moves: Array<[container: string, newTag: string, releaseIndex?: number]>,
) {
  return rewriteImageTags(
    PATH,
    content,
    moves.map(([container, newTag, releaseIndex]) =>
      edit(content, container, newTag, releaseIndex),
    ),
  );
}

describe('rewriteImageTags: every shape, written back as found', () => {
  it('rewrites only the tag part of image: repo:tag', () => {
    const content = v1Release(['image: stefanprodan/podinfo:dev-kb9lm91e']);
    const result = rewriteOne(content, 'chart-image', 'dev-abc1234');
    expect(result).toEqual({
      changed: true,
      content: replacedOnce(
        content,
        '    image: stefanprodan/podinfo:dev-kb9lm91e\n',
        '    image: stefanprodan/podinfo:dev-abc1234\n',
      ),
    });
  });

  // Each shape: the one value written is the only byte that changes.
  it.each<{
    shape: string;
    values: string[];
    annotations?: string[];
    container: string;
    newTag: string;
    from: string;
    to: string;
  }>([
    {
      shape: 'keeps a registry host with a port in the image string',
      values: ['image: registry.example.com:5000/team/app:1.2.3'],
      container: 'chart-image',
      newTag: '1.2.4',
      from: 'team/app:1.2.3',
      to: 'team/app:1.2.4',
    },
    {
      shape: 'adds the tag to an image string that had none',
      values: ['image: org/app'],
      container: 'chart-image',
      newTag: 'v2',
      from: 'image: org/app\n',
      to: 'image: org/app:v2\n',
    },
    {
      shape: 'rewrites the tag sibling of image + tag, leaving the image alone',
      values: ['image: org/app', 'tag: 1.2.3'],
      container: 'chart-image',
      newTag: '1.2.4',
      from: 'tag: 1.2.3\n',
      to: 'tag: 1.2.4\n',
    },
    {
      shape: 'rewrites the tag of registry + image + tag',
      values: [
        'registry: registry.example.com:5000',
        'image: team/app',
        'tag: v2',
      ],
      container: 'chart-image',
      newTag: 'v3',
      from: 'tag: v2\n',
      to: 'tag: v3\n',
    },
    {
      shape: 'rewrites the tag of an image object in a container mapping',
      values: [
        'image:',
        '  repository: stefanprodan/podinfo',
        '  tag: dev-kb9lm91e',
        'replicaCount: 1',
      ],
      container: 'chart-image',
      newTag: 'dev-abc1234',
      from: '      tag: dev-kb9lm91e\n',
      to: '      tag: dev-abc1234\n',
    },
    {
      shape: 'rewrites the tag of an image object with a registry',
      values: [
        'sidecar:',
        '  image:',
        '    registry: quay.io',
        '    repository: team/proxy',
        "    tag: '1.0'",
      ],
      container: 'sidecar',
      newTag: '1.1',
      from: "tag: '1.0'",
      to: "tag: '1.1'",
    },
    {
      shape: 'rewrites a repo:tag image object with no tag key',
      values: ['image:', '  repository: org/app:0.1'],
      container: 'chart-image',
      newTag: '0.2.0',
      from: 'org/app:0.1',
      to: 'org/app:0.2.0',
    },
    {
      shape: 'rewrites a flow-style image object',
      values: ['image: {repository: org/app, tag: "1.0"}'],
      container: 'chart-image',
      newTag: '1.1',
      from: 'tag: "1.0"}',
      to: 'tag: "1.1"}',
    },
    {
      shape: 'rewrites values named by annotation paths',
      values: [
        'app:',
        '  container:',
        '    repo: org/app',
        '    version: 1.0.0',
        '  tag: not-this-one',
      ],
      annotations: [
        'repository.fluxcd.io/app: app.container.repo',
        'tag.fluxcd.io/app: app.container.version',
      ],
      container: 'app',
      newTag: '1.0.1',
      from: 'version: 1.0.0',
      to: 'version: 1.0.1',
    },
    {
      shape:
        'rewrites the repo:tag value an annotation names when there is no tag path',
      values: ['web:', '  ref: org/web:2.0.0'],
      annotations: ['repository.fluxcd.io/web: web.ref'],
      container: 'web',
      newTag: '2.1.0',
      from: 'ref: org/web:2.0.0',
      to: 'ref: org/web:2.1.0',
    },
  ])('$shape', ({ values, annotations, container, newTag, from, to }) => {
    const content = v1Release(values, annotations);
    expect(rewriteOne(content, container, newTag).content).toBe(
      replacedOnce(content, from, to),
    );
  });
});

describe('rewriteImageTags: Flux v2 setter markers', () => {
  const v2Release = (values: string[]) =>
    fluxV2ReleaseYaml({ namespace: 'dev', values });

  it.each<{
    shape: string;
    values: string[];
    newTag: string;
    from: string;
    to: string;
  }>([
    {
      shape: 'keeps the marker comment on a whole image',
      values: [
        'image: ghcr.io/org/app:1.0.0 # {"$imagepolicy": "flux-system:app"}',
      ],
      newTag: '1.1.0',
      from: 'image: ghcr.io/org/app:1.0.0 # {"$imagepolicy": "flux-system:app"}\n',
      to: 'image: ghcr.io/org/app:1.1.0 # {"$imagepolicy": "flux-system:app"}\n',
    },
    {
      shape:
        'keeps the marker comment on a :tag value, leaving the :name value alone',
      values: [
        'image:',
        '  repository: ghcr.io/org/app # {"$imagepolicy": "flux-system:app:name"}',
        '  tag: "1.0.0"   # {"$imagepolicy": "flux-system:app:tag"}',
      ],
      newTag: '1.0.1',
      from: 'tag: "1.0.0"   # {"$imagepolicy": "flux-system:app:tag"}',
      to: 'tag: "1.0.1"   # {"$imagepolicy": "flux-system:app:tag"}',
    },
  ])('$shape', ({ values, newTag, from, to }) => {
    const content = v2Release(values);
    expect(rewriteOne(content, 'chart-image', newTag).content).toBe(
      replacedOnce(content, from, to),
    );
  });

  it('rewrites marked values inside sequences', () => {
    const content = v2Release([
      'sidecars:',
      '  - name: proxy',
      '    image: org/proxy:0.9 # {"$imagepolicy": "flux-system:proxy"}',
    ]);
    const [release] = releases(content);
    const image = release.images.find(
      i => i.paths.image === 'sidecars.0.image',
    );
    expect(image).toBeDefined();
    expect(
      rewriteImageTags(PATH, content, [
        { document: 0, image: image!, newTag: '1.0.0' },
      ]).content,
    ).toBe(replacedOnce(content, 'org/proxy:0.9', 'org/proxy:1.0.0'));
  });

  it('refuses a name-only marker: Flux would write no tag there', () => {
    const content = v2Release([
      'image:',
      '  repository: org/app # {"$imagepolicy": "flux-system:app:name"}',
      '  tag: 1.0.0',
    ]);
    expect(() => rewriteOne(content, 'chart-image', '1.0.1')).toThrow(
      /spec\.values\.image\.repository carries an image policy marker for the name only/,
    );
  });
});

describe('rewriteImageTags: everything else stays byte for byte', () => {
  it('keeps comments before, after and inline, and odd indentation', () => {
    const content = [
      '# Deployed by Flux.',
      'apiVersion: helm.fluxcd.io/v1',
      'kind: HelmRelease',
      'metadata:',
      '   name: app        # three-space indent',
      '   annotations:',
      '       fluxcd.io/automated: "true"',
      'spec:',
      '   chart: {git: "git@github.com:org/config.git", path: charts/app}',
      '   values:',
      '       # the image comes first',
      '       image:',
      '           repository: org/app   # where it lives',
      '           # pinned by automation',
      '           tag: 0.4.10 # bumped automatically',
      '           # after the tag',
      '       replicaCount: 3',
      '# end of file',
      '',
    ].join('\n');
    expect(rewriteOne(content, 'chart-image', '0.4.11').content).toBe(
      replacedOnce(
        content,
        'tag: 0.4.10 # bumped automatically',
        'tag: 0.4.11 # bumped automatically',
      ),
    );
  });

  it('keeps CRLF line endings', () => {
    const content = v1Release([
      'image:',
      '  repository: org/app',
      '  tag: "1.0.0" # pin',
    ]).replace(/\n/g, '\r\n');
    const result = rewriteOne(content, 'chart-image', '1.0.1').content;
    expect(result).toBe(
      replacedOnce(content, 'tag: "1.0.0" # pin\r\n', 'tag: "1.0.1" # pin\r\n'),
    );
    expect(result.split('\r\n')).toHaveLength(content.split('\r\n').length);
    expect(result.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('keeps a missing trailing newline missing', () => {
    const content = v1Release(['image: org/app:1.0']).trimEnd();
    expect(content.endsWith('org/app:1.0')).toBe(true);
    expect(rewriteOne(content, 'chart-image', '1.1').content).toBe(
      replacedOnce(content, 'org/app:1.0', 'org/app:1.1'),
    );
  });

  it('keeps a byte order mark', () => {
    const content = `\ufeff${v1Release(['image: org/app:1.0'])}`;
    expect(rewriteOne(content, 'chart-image', '1.1').content).toBe(
      replacedOnce(content, 'org/app:1.0', 'org/app:1.1'),
    );
  });

  it.each([
    ['plain', 'tag: dev-1', 'tag: dev-2'],
    ['single-quoted', "tag: 'dev-1'", "tag: 'dev-2'"],
    ['double-quoted', 'tag: "dev-1"', 'tag: "dev-2"'],
  ])('keeps a %s tag in its style', (_style, before, after) => {
    const content = v1Release(['image: org/app', before]);
    expect(rewriteOne(content, 'chart-image', 'dev-2').content).toBe(
      replacedOnce(content, before, after),
    );
  });

  it.each([
    ['single-quoted', "'org/app:1.0'", "'org/app:2.0'"],
    ['double-quoted', '"org/app:1.0"', '"org/app:2.0"'],
  ])('keeps a %s image string in its style', (_style, before, after) => {
    const content = v1Release([`image: ${before}`]);
    expect(rewriteOne(content, 'chart-image', '2.0').content).toBe(
      replacedOnce(content, before, after),
    );
  });

  it.each([
    ['1.10', 'tag: dev-1', 'tag: "1.10"'],
    ['1.1', 'tag: 1.0', 'tag: "1.1"'],
    ['123', 'tag: v1', 'tag: "123"'],
    ['1e3', 'tag: v1', 'tag: "1e3"'],
    ['0755', 'tag: v1', 'tag: "0755"'],
    ['yes', 'tag: v1', 'tag: "yes"'],
    ['on', 'tag: v1', 'tag: "on"'],
    ['null', 'tag: v1', 'tag: "null"'],
    ['0.4.11', 'tag: 0.4.10', 'tag: 0.4.11'],
    ['v1.10', 'tag: v1', 'tag: v1.10'],
  ])(
    'quotes a plain %s only when it would not read as a string',
    (newTag, before, after) => {
      const content = v1Release(['image: org/app', `${before} # kept`]);
      const result = rewriteOne(content, 'chart-image', newTag).content;
      expect(result).toBe(
        replacedOnce(content, `${before} # kept`, `${after} # kept`),
      );
      // And the parser reads the tag back as written.
      expect(releases(result)[0].images[0].tag).toBe(newTag);
      expect((releases(result)[0].values as any).tag).toBe(newTag);
    },
  );

  it('keeps an anchor and an explicit tag on the value', () => {
    const content = v1Release(['image: org/app', 'tag: &t !!str 1.0']);
    expect(rewriteOne(content, 'chart-image', '1.1').content).toBe(
      replacedOnce(content, 'tag: &t !!str 1.0', 'tag: &t !!str "1.1"'),
    );
  });
});

describe('rewriteImageTags: several edits in one file', () => {
  it('applies edits to several images of one release', () => {
    const content = v1Release([
      'image: org/app:1.0.0',
      'sidecar:',
      '  image: org/proxy',
      '  tag: 0.1.0',
      'worker:',
      '  image:',
      '    repository: org/worker',
      '    tag: w-1',
    ]);
    const result = rewriteMany(content, [
      ['sidecar', '0.2.0'],
      ['chart-image', '1.1.0'],
      ['worker', 'w-2'],
    ]);
    let expected = replacedOnce(content, 'org/app:1.0.0', 'org/app:1.1.0');
    expected = replacedOnce(expected, 'tag: 0.1.0', 'tag: 0.2.0');
    expected = replacedOnce(expected, 'tag: w-1', 'tag: w-2');
    expect(result).toEqual({ content: expected, changed: true });
  });

  it('changes only document 1 of a multi-document file', () => {
    const first = v1Release(['image: org/app:1.0.0']);
    const second = first.replace('name: app', 'name: app-two');
    const content = [
      '# leading comment',
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: {name: dev}',
      '---',
      first.trimEnd(),
      '---',
      second.replace('org/app:1.0.0', 'org/app:1.0.0 # same tag'),
    ].join('\n');
    const all = releases(content);
    expect(all.map(r => r.source.document)).toEqual([1, 2]);

    const result = rewriteMany(content, [['chart-image', '2.0.0', 0]]);
    const firstAt = content.indexOf('org/app:1.0.0');
    const expected = `${content.slice(0, firstAt)}org/app:2.0.0${content.slice(
      firstAt + 'org/app:1.0.0'.length,
    )}`;
    expect(result.content).toBe(expected);
    expect(result.content).toContain('org/app:1.0.0 # same tag');
  });

  it('applies edits to several documents in one file', () => {
    const one = v1Release(['image: org/one:1']);
    const two = v1Release(['image:', '  repository: org/two', '  tag: "2"']);
    const content = `${one}---\n${two}`;
    const result = rewriteMany(content, [
      ['chart-image', '1.5', 1],
      ['chart-image', '1.1', 0],
    ]);
    expect(result.content).toBe(
      `${replacedOnce(one, 'org/one:1', 'org/one:1.1')}---\n${replacedOnce(
        two,
        'tag: "2"',
        'tag: "1.5"',
      )}`,
    );
  });

  it('writes a value two images share once, when they agree', () => {
    const content = v1Release(
      ['a:', '  image: org/a', 'b:', '  image: org/b', 'shared: v1'],
      [
        'repository.fluxcd.io/a: a.image',
        'tag.fluxcd.io/a: shared',
        'repository.fluxcd.io/b: b.image',
        'tag.fluxcd.io/b: shared',
      ],
    );
    const result = rewriteMany(content, [
      ['a', 'v2'],
      ['b', 'v2'],
    ]);
    expect(result.content).toBe(
      replacedOnce(content, 'shared: v1', 'shared: v2'),
    );
    expect(() =>
      rewriteMany(content, [
        ['a', 'v2'],
        ['b', 'v3'],
      ]),
    ).toThrow(
      /two edits write the same value differently \("v2" and "v3"\)|\("v3" and "v2"\)/,
    );
  });

  it('reports no change when the file already holds the new tags', () => {
    const content = v1Release(['image: org/app', 'tag: 1.10']);
    const result = rewriteOne(content, 'chart-image', '1.10');
    expect(result).toEqual({ content, changed: false });
    expect(rewriteImageTags(PATH, content, [])).toEqual({
      content,
      changed: false,
    });
  });
});

describe('rewriteImageTags: refuses rather than guesses', () => {
  it('fails when the tag is no longer the one parsed (stale file)', () => {
    const parsed = v1Release(['image: org/app', 'tag: 1.0.0']);
    const changed = replacedOnce(parsed, 'tag: 1.0.0', 'tag: 1.0.5');
    const stale = edit(parsed, 'chart-image', '1.1.0');
    const attempt = () => rewriteImageTags(PATH, changed, [stale]);
    expect(attempt).toThrow(ConflictError);
    expect(attempt).toThrow(
      'releases/dev/app.yaml document 0: spec.values.tag holds the tag "1.0.5", not "1.0.0"; the file changed since it was read',
    );
  });

  it('fails when an image string holds another tag or another image', () => {
    const parsed = v1Release(['image: org/app:1.0.0']);
    const stale = edit(parsed, 'chart-image', '1.1.0');
    expect(() =>
      rewriteImageTags(PATH, replacedOnce(parsed, ':1.0.0', ':1.0.5'), [stale]),
    ).toThrow(/spec\.values\.image holds the tag "1\.0\.5", not "1\.0\.0"/);
    expect(() =>
      rewriteImageTags(PATH, replacedOnce(parsed, 'org/app', 'org/other'), [
        stale,
      ]),
    ).toThrow(/holds "org\/other:1\.0\.0", not the image org\/app/);
  });

  it('fails when the value is no longer a scalar, or is gone', () => {
    const parsed = v1Release(['image: org/app', 'tag: 1.0.0']);
    const stale = edit(parsed, 'chart-image', '1.1.0');
    const mapped = replacedOnce(
      parsed,
      'tag: 1.0.0',
      'tag:\n      value: 1.0.0',
    );
    expect(() => rewriteImageTags(PATH, mapped, [stale])).toThrow(
      /spec\.values\.tag is not a scalar value/,
    );
    const gone = replacedOnce(parsed, '    tag: 1.0.0\n', '');
    expect(() => rewriteImageTags(PATH, gone, [stale])).toThrow(
      /spec\.values\.tag is not in the file/,
    );
    expect(() =>
      rewriteImageTags(PATH, parsed, [{ ...stale, document: 3 }]),
    ).toThrow(/has no YAML document 3/);
  });

  it('fails on an alias, a block scalar, a digest and YAML errors', () => {
    const base = v1Release(['image: org/app', 'tag: 1.0.0', 'other: &v 1.0.0']);
    const stale = edit(base, 'chart-image', '1.1.0');
    expect(() =>
      rewriteImageTags(PATH, replacedOnce(base, 'tag: 1.0.0', 'tag: *v'), [
        stale,
      ]),
    ).toThrow(/spec\.values\.tag is an alias \(\*v\)/);

    const block = v1Release(['image: org/app', 'tag: |-', '  1.0.0']);
    expect(() => rewriteOne(block, 'chart-image', '1.1.0')).toThrow(
      /written as a block scalar/,
    );

    const pinned = v1Release([`image: org/app:1.0@sha256:${'a'.repeat(64)}`]);
    const [release] = releases(pinned);
    expect(() =>
      rewriteImageTags(PATH, pinned, [
        { document: 0, image: release.images[0], newTag: '1.1' },
      ]),
    ).toThrow(/pins org\/app by digest/);

    const broken = `${base}  bad: [\n`;
    expect(() => rewriteImageTags(PATH, broken, [stale])).toThrow(
      /document 0 has YAML errors/,
    );
  });

  it('refuses an invalid new tag, and writes nothing at all when any edit fails', () => {
    const content = v1Release(['image: org/app:1.0']);
    expect(() => rewriteOne(content, 'chart-image', 'not a tag')).toThrow(
      InputError,
    );
    expect(() => rewriteOne(content, 'chart-image', '-x')).toThrow(InputError);
    expect(() =>
      rewriteImageTags(PATH, content, [
        edit(content, 'chart-image', '1.1'),
        { ...edit(content, 'chart-image', '1.2'), document: 9 },
      ]),
    ).toThrow(ConflictError);
  });
});

import {
  HelmReleaseManifest,
  ParsedManifestFile,
  parseManifestFile,
} from './index';

/** A v1 release with the given metadata and spec lines (already indented). */
function v1(metadata: string[], spec: string[] = []): string {
  return [
    'apiVersion: helm.fluxcd.io/v1',
    'kind: HelmRelease',
    'metadata:',
    ...metadata,
    'spec:',
    '  chart:',
    '    git: git@github.com:org/config.git',
    '    path: charts/app',
    ...spec,
    '',
  ].join('\n');
}

function parse(content: string): ParsedManifestFile {
  return parseManifestFile('releases/dev/app.yaml', content);
}

function onlyRelease(content: string): HelmReleaseManifest {
  const file = parse(content);
  expect(file.errors).toEqual([]);
  expect(file.helmReleases).toHaveLength(1);
  return file.helmReleases[0];
}

function onlyError(content: string) {
  const file = parse(content);
  expect(file.helmReleases).toEqual([]);
  expect(file.errors).toHaveLength(1);
  return file.errors[0];
}

describe('HelmRelease helm.fluxcd.io/v1', () => {
  it('reads every field the seed uses', () => {
    const release = onlyRelease(
      [
        'apiVersion: helm.fluxcd.io/v1',
        'kind: HelmRelease',
        'metadata:',
        '  name: app',
        '  namespace: dev',
        '  labels: {app: app, team: web}',
        '  annotations:',
        '    fluxcd.io/automated: "true"',
        'spec:',
        '  releaseName: app-dev',
        '  targetNamespace: dev',
        '  chart:',
        '    git: git@github.com:org/config.git',
        '    path: charts/app',
        '    ref: main',
        '  values:',
        '    replicaCount: 2',
        '  valuesFrom:',
        '    - configMapKeyRef: {name: app-values}',
        '  rollback:',
        '    enable: true',
        '    retry: true',
      ].join('\n'),
    );
    expect(release).toMatchObject({
      apiVersion: 'helm.fluxcd.io/v1',
      name: 'app',
      namespace: 'dev',
      releaseName: 'app-dev',
      labels: { app: 'app', team: 'web' },
      annotations: { 'fluxcd.io/automated': 'true' },
      chart: {
        type: 'git',
        git: 'git@github.com:org/config.git',
        path: 'charts/app',
        ref: 'main',
      },
      chartName: 'app',
      values: { replicaCount: 2 },
      valuesFrom: [{ configMapKeyRef: { name: 'app-values' } }],
      rollback: { enable: true, retry: true },
      automated: true,
      suspended: false,
    });
    expect(release.spec.targetNamespace).toBe('dev');
    expect(release.object.kind).toBe('HelmRelease');
  });

  it('defaults the namespace to default and the release name to <namespace>-<name>', () => {
    expect(onlyRelease(v1(['  name: app']))).toMatchObject({
      namespace: 'default',
      releaseName: 'default-app',
    });
    expect(
      onlyRelease(v1(['  name: app', '  namespace: dev'])).releaseName,
    ).toBe('dev-app');
  });

  it('puts both namespaces in the default release name when the target differs', () => {
    const release = onlyRelease(
      v1(['  name: app', '  namespace: flux'], ['  targetNamespace: dev']),
    );
    expect(release.releaseName).toBe('flux-dev-app');
  });

  it('leaves the chart reference out of the name for a chart at the repository root', () => {
    const release = onlyRelease(
      [
        'apiVersion: helm.fluxcd.io/v1',
        'kind: HelmRelease',
        'metadata: {name: app}',
        'spec:',
        '  chart: {git: "https://github.com/org/podinfo-chart.git", path: ./}',
      ].join('\n'),
    );
    expect(release.chartName).toBe('podinfo-chart');
    expect(release.chart).toEqual({
      type: 'git',
      git: 'https://github.com/org/podinfo-chart.git',
      path: './',
    });
  });

  it.each([
    ['"true"', true],
    ["'true'", true],
    ['"True"', false],
    ['"TRUE"', false],
    ['"yes"', false],
    ['"false"', false],
  ])('is automated for fluxcd.io/automated: %s -> %s', (value, automated) => {
    const release = onlyRelease(
      v1([
        '  name: app',
        '  annotations:',
        `    fluxcd.io/automated: ${value}`,
      ]),
    );
    expect(release.automated).toBe(automated);
  });

  it.each(['true', 'True', 'yes'])(
    'refuses an unquoted fluxcd.io/automated: %s, which Kubernetes would refuse',
    value => {
      const error = onlyError(
        v1([
          '  name: app',
          '  annotations:',
          `    fluxcd.io/automated: ${value}`,
        ]),
      );
      expect(error).toEqual({
        path: 'releases/dev/app.yaml',
        line: 6,
        message:
          'HelmRelease document 0: metadata.annotations["fluxcd.io/automated"] must be a string, not the boolean true; quote the value to make it a string',
      });
    },
  );

  it('reads the legacy flux.weave.works annotations', () => {
    const release = onlyRelease(
      v1(
        [
          '  name: app',
          '  annotations:',
          '    flux.weave.works/automated: "true"',
          '    flux.weave.works/locked: "true"',
          '    flux.weave.works/locked_user: Jane <jane@example.com>',
          '    flux.weave.works/locked_msg: incident 42',
          '    flux.weave.works/tag.chart-image: semver:~1.2',
        ],
        ['  values:', '    image: org/app:1.2.3'],
      ),
    );
    expect(release).toMatchObject({
      automated: true,
      locked: true,
      lockedBy: 'Jane <jane@example.com>',
      lockedMessage: 'incident 42',
    });
    expect(release.images.map(i => i.policy)).toEqual(['semver:~1.2']);
  });

  it('prefers fluxcd.io over flux.weave.works when both are set', () => {
    const release = onlyRelease(
      v1([
        '  name: app',
        '  annotations:',
        '    flux.weave.works/automated: "true"',
        '    fluxcd.io/automated: "false"',
      ]),
    );
    expect(release.automated).toBe(false);
  });

  it('reads lock and ignore annotations', () => {
    const release = onlyRelease(
      v1([
        '  name: app',
        '  annotations:',
        '    fluxcd.io/locked: "true"',
        '    fluxcd.io/locked_user: ops',
        '    fluxcd.io/locked_msg: frozen for the release',
        '    fluxcd.io/ignore: "true"',
      ]),
    );
    expect(release).toMatchObject({
      locked: true,
      lockedBy: 'ops',
      lockedMessage: 'frozen for the release',
      ignored: true,
      automated: false,
    });
    const unlocked = onlyRelease(
      v1([
        '  name: app',
        '  annotations: {fluxcd.io/locked: "false", fluxcd.io/ignore: sync_only}',
      ]),
    );
    expect(unlocked).toMatchObject({ locked: false, ignored: false });
    expect(unlocked.lockedBy).toBeUndefined();
  });

  it('reads a chart from a Helm repository', () => {
    const release = onlyRelease(
      [
        'apiVersion: helm.fluxcd.io/v1',
        'kind: HelmRelease',
        'metadata: {name: redis, namespace: adm}',
        'spec:',
        '  chart:',
        '    repository: https://charts.bitnami.com/bitnami',
        '    name: redis',
        '    version: "10.5.7"',
      ].join('\n'),
    );
    expect(release.chart).toEqual({
      type: 'repository',
      repository: 'https://charts.bitnami.com/bitnami',
      name: 'redis',
      version: '10.5.7',
    });
    expect(release.chartName).toBe('redis');
  });

  it.each([
    [
      ['  chart:', '    git: git@github.com:org/config.git'],
      'spec.chart.path is required',
      9,
    ],
    [['  chart:', '    path: charts/app'], 'spec.chart.git is required', 9],
    [
      [
        '  chart:',
        '    repository: https://charts.example.com',
        '    version: 1.0.0',
      ],
      'spec.chart.name is required',
      9,
    ],
    [
      [
        '  chart:',
        '    repository: https://charts.example.com',
        '    name: redis',
      ],
      'spec.chart.version is required',
      9,
    ],
    [
      [
        '  chart:',
        '    repository: https://charts.example.com',
        '    name: redis',
        '    version: 1.6',
      ],
      'spec.chart.version must be a string, not the number 1.6',
      12,
    ],
    [['  chart: {}'], 'spec.chart needs either git and path', 9],
    [['  releaseName: x'], 'spec.chart is required', 8],
    [
      ['  chart: charts/app'],
      'spec.chart must be a mapping, not the string "charts/app"',
      9,
    ],
  ])('refuses a broken chart %#', (specLines, message, line) => {
    const content = [
      'apiVersion: helm.fluxcd.io/v1',
      'kind: HelmRelease',
      'metadata:',
      '  name: app',
      '  namespace: dev',
      '  labels: {app: app}',
      '# the spec follows',
      'spec:',
      ...specLines,
      '',
    ].join('\n');
    const error = onlyError(content);
    expect(error.message).toContain(message);
    expect(error.line).toBe(line);
  });

  it.each([
    [['  values: [a, b]'], 'spec.values must be a mapping, not a list'],
    [['  valuesFrom: {a: b}'], 'spec.valuesFrom must be a list, not a mapping'],
    [
      ['  releaseName: 12'],
      'spec.releaseName must be a string, not the number 12',
    ],
  ])('refuses wrong types in the spec %#', (spec, message) => {
    expect(onlyError(v1(['  name: app'], spec)).message).toContain(message);
  });

  it.each([
    [['  name: App'], 'metadata.name "App" is not a valid Kubernetes name'],
    [
      ['  name: app', '  namespace: dev.ns'],
      'metadata.namespace "dev.ns" is not a valid namespace name',
    ],
    [
      ['  name: app', '  labels: {replicas: 3}'],
      'metadata.labels.replicas must be a string, not the number 3',
    ],
    [
      ['  name: app', '  annotations: [a]'],
      'metadata.annotations must be a mapping, not a list',
    ],
  ])('refuses bad metadata %#', (metadata, message) => {
    expect(onlyError(v1(metadata)).message).toContain(message);
  });

  it('refuses a HelmRelease without metadata or spec', () => {
    expect(
      onlyError('apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nspec: {}\n')
        .message,
    ).toBe('HelmRelease document 0: metadata is required');
    expect(
      onlyError(
        'apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata: {name: a}\n',
      ).message,
    ).toBe('HelmRelease document 0: spec is required');
  });
});

describe('HelmRelease helm.toolkit.fluxcd.io/v2', () => {
  function v2(
    apiVersion: string,
    extra: string[] = [],
    metadata: string[] = ['  name: podinfo', '  namespace: apps'],
  ) {
    return [
      `apiVersion: ${apiVersion}`,
      'kind: HelmRelease',
      'metadata:',
      ...metadata,
      'spec:',
      '  interval: 10m',
      '  chart:',
      '    spec:',
      '      chart: podinfo',
      '      version: ">=6.0.0 <7.0.0"',
      '      sourceRef:',
      '        kind: HelmRepository',
      '        name: podinfo',
      '        namespace: flux-system',
      ...extra,
      '',
    ].join('\n');
  }

  it.each([
    'helm.toolkit.fluxcd.io/v2',
    'helm.toolkit.fluxcd.io/v2beta1',
    'helm.toolkit.fluxcd.io/v2beta2',
  ])('reads %s as v2', apiVersion => {
    const release = onlyRelease(
      v2(apiVersion, [
        '  values:',
        '    image:',
        '      repository: ghcr.io/stefanprodan/podinfo',
        '      tag: 6.5.0',
      ]),
    );
    expect(release).toMatchObject({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      name: 'podinfo',
      namespace: 'apps',
      releaseName: 'podinfo',
      chart: {
        type: 'source',
        chart: 'podinfo',
        version: '>=6.0.0 <7.0.0',
        sourceRef: {
          kind: 'HelmRepository',
          name: 'podinfo',
          namespace: 'flux-system',
        },
      },
      chartName: 'podinfo',
      suspended: false,
      automated: false,
      images: [
        {
          container: 'chart-image',
          registry: 'ghcr.io',
          repository: 'stefanprodan/podinfo',
          tag: '6.5.0',
          shape: 'image-object',
          paths: { repository: 'image.repository', tag: 'image.tag' },
        },
      ],
    });
    expect(release.object.apiVersion).toBe(apiVersion);
  });

  it('reads spec.suspend', () => {
    expect(
      onlyRelease(v2('helm.toolkit.fluxcd.io/v2', ['  suspend: true']))
        .suspended,
    ).toBe(true);
    expect(
      onlyError(v2('helm.toolkit.fluxcd.io/v2', ['  suspend: "true"'])).message,
    ).toContain('spec.suspend must be true or false');
  });

  it('names the release [<targetNamespace>-]<name>, shortened like helm-controller', () => {
    expect(
      onlyRelease(v2('helm.toolkit.fluxcd.io/v2', ['  targetNamespace: web']))
        .releaseName,
    ).toBe('web-podinfo');
    expect(
      onlyRelease(v2('helm.toolkit.fluxcd.io/v2', ['  releaseName: pi']))
        .releaseName,
    ).toBe('pi');
    const long = onlyRelease(
      v2(
        'helm.toolkit.fluxcd.io/v2',
        ['  targetNamespace: a-very-long-target-namespace-for-teams'],
        ['  name: and-an-equally-long-release-name'],
      ),
    );
    // The first 40 characters, a dash, and 12 hex digits of the SHA-256 of
    // "a-very-long-target-namespace-for-teams-and-an-equally-long-release-name".
    expect(long.releaseName).toBe(
      'a-very-long-target-namespace-for-teams-a-2ac8299e555d',
    );
    expect(long.releaseName).toHaveLength(53);
  });

  it('reads spec.chartRef as a source', () => {
    const release = onlyRelease(
      [
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        'metadata: {name: podinfo, namespace: apps}',
        'spec:',
        '  chartRef: {kind: OCIRepository, name: podinfo-chart}',
      ].join('\n'),
    );
    expect(release.chart).toEqual({
      type: 'source',
      chart: 'podinfo-chart',
      sourceRef: { kind: 'OCIRepository', name: 'podinfo-chart' },
    });
  });

  it('refuses a chart template without a chart or source', () => {
    const noChart = v2('helm.toolkit.fluxcd.io/v2').replace(
      '      chart: podinfo\n',
      '',
    );
    expect(onlyError(noChart).message).toContain(
      'spec.chart.spec.chart is required',
    );
    const noKind = v2('helm.toolkit.fluxcd.io/v2').replace(
      '        kind: HelmRepository\n',
      '',
    );
    expect(onlyError(noKind)).toMatchObject({
      line: 12,
      message: expect.stringContaining(
        'spec.chart.spec.sourceRef.kind is required',
      ),
    });
  });

  it('refuses Flux HelmRelease versions it cannot read and leaves other groups alone', () => {
    expect(onlyError(v2('helm.toolkit.fluxcd.io/v3')).message).toContain(
      'HelmRelease apiVersion helm.toolkit.fluxcd.io/v3 is not supported',
    );
    expect(onlyError(v2('flux.weave.works/v1beta1')).line).toBe(1);
    const other = parse(v2('example.com/v1'));
    expect(other.errors).toEqual([]);
    expect(
      other.others.map(o => [o.apiVersion, o.kind, o.name, o.namespace]),
    ).toEqual([['example.com/v1', 'HelmRelease', 'podinfo', 'apps']]);
  });
});

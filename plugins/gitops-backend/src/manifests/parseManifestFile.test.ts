import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MANIFEST_LIMITS, isManifestPath, parseManifestFile } from './index';
import { fluxV1ReleaseYaml } from './__testUtils__/releaseYaml';

const EXAMPLES = resolve(__dirname, '../../../../examples/config-repo');

function example(path: string) {
  return parseManifestFile(path, readFileSync(resolve(EXAMPLES, path)));
}

describe('parseManifestFile on the demo config repository', () => {
  it.each([
    [
      'releases/dev/podinfo.yaml',
      'podinfo-dev',
      'dev',
      'glob:dev-*',
      'dev-kb9lm91e',
      1,
    ],
    [
      'releases/stg/podinfo.yaml',
      'podinfo-rc',
      'stg',
      'glob:stg-*',
      'stg-9ij63o4c',
      2,
    ],
    [
      'releases/prod/podinfo.yaml',
      'podinfo-prod',
      'prod',
      'semver:~0.4',
      '0.4.10',
      3,
    ],
  ])(
    'reads %s as an automated podinfo release',
    (path, name, namespace, policy, tag, replicas) => {
      const file = example(path);
      expect(file.errors).toEqual([]);
      expect(file.others).toEqual([]);
      expect(file.helmReleases).toHaveLength(1);
      const [release] = file.helmReleases;
      expect(release).toMatchObject({
        apiVersion: 'helm.fluxcd.io/v1',
        name,
        namespace,
        releaseName: name,
        labels: { app: 'podinfo' },
        chart: {
          type: 'git',
          git: 'git@github.com:fluxcd/helm-operator-get-started',
          path: 'charts/podinfo',
          ref: 'master',
        },
        chartName: 'podinfo',
        automated: true,
        locked: false,
        ignored: false,
        suspended: false,
        valuesFrom: [],
        source: { path, document: 0, line: 1 },
      });
      expect(release.values.replicaCount).toBe(replicas);
      expect(release.images).toEqual([
        {
          container: 'chart-image',
          repository: 'stefanprodan/podinfo',
          tag,
          policy,
          paths: { repository: 'image.repository', tag: 'image.tag' },
          shape: 'image-object',
        },
      ]);
    },
  );

  it('keeps the staging values that are not images', () => {
    const [release] = example('releases/stg/podinfo.yaml').helmReleases;
    expect(release.values.hpa).toEqual({
      enabled: true,
      maxReplicas: 10,
      cpu: 50,
      memory: '128Mi',
    });
  });

  it('reads sealed-secrets as a repository chart that is not automated', () => {
    const file = example('releases/adm/sealed-secrets.yaml');
    expect(file.errors).toEqual([]);
    const [release] = file.helmReleases;
    expect(release).toMatchObject({
      name: 'sealed-secrets',
      namespace: 'adm',
      releaseName: 'sealed-secrets',
      chart: {
        type: 'repository',
        repository: 'https://kubernetes-charts.storage.googleapis.com/',
        name: 'sealed-secrets',
        version: '1.6.1',
      },
      chartName: 'sealed-secrets',
      automated: false,
      images: [],
      values: {},
    });
    // The two comment lines above apiVersion are not part of the manifest.
    expect(release.source.line).toBe(3);
  });

  it('reads the namespaces', () => {
    for (const env of ['dev', 'stg', 'prod', 'adm']) {
      const file = example(`namespaces/${env}.yaml`);
      expect(file.errors).toEqual([]);
      expect(file.namespaces).toEqual([
        {
          name: env,
          labels: {},
          object: {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: env },
          },
          source: { path: `namespaces/${env}.yaml`, document: 0, line: 1 },
        },
      ]);
    }
  });
});

describe('parseManifestFile, documents and errors', () => {
  const multi = [
    '# secrets and the release of the dev environment', // 1
    '---', // 2
    'apiVersion: bitnami.com/v1alpha1', // 3
    'kind: SealedSecret', // 4
    'metadata:', // 5
    '  name: basic-auth', // 6
    '  namespace: dev', // 7
    'spec:', // 8
    '  encryptedData:', // 9
    '    password: AgAR5nzhX2TkJ', // 10
    '---', // 11
    '---', // 12
    '# nothing here', // 13
    '---', // 14
    'apiVersion: helm.fluxcd.io/v1', // 15
    'kind: HelmRelease', // 16
    'metadata:', // 17
    '  namespace: dev', // 18
    'spec:', // 19
    '  chart:', // 20
    '    git: git@example.com:config', // 21
    '    path: charts/app', // 22
    '---', // 23
    'apiVersion: helm.fluxcd.io/v1', // 24
    'kind: HelmRelease', // 25
    'metadata:', // 26
    '  name: app: broken', // 27
    '---', // 28
    'apiVersion: helm.fluxcd.io/v1', // 29
    'kind: HelmRelease', // 30
    'metadata:', // 31
    '  name: good', // 32
    '  namespace: dev', // 33
    'spec:', // 34
    '  chart:', // 35
    '    git: git@example.com:config', // 36
    '    path: charts/good', // 37
    '  values:', // 38
    '    image: example/good:1.0.0', // 39
    '',
  ].join('\n');

  it('skips empty documents and keeps the good ones around broken ones', () => {
    const file = parseManifestFile('releases/dev/all.yaml', multi);
    expect(file.others).toEqual([
      expect.objectContaining({
        apiVersion: 'bitnami.com/v1alpha1',
        kind: 'SealedSecret',
        name: 'basic-auth',
        namespace: 'dev',
        source: { path: 'releases/dev/all.yaml', document: 0, line: 3 },
      }),
    ]);
    expect(file.others[0].object.spec).toEqual({
      encryptedData: { password: 'AgAR5nzhX2TkJ' },
    });
    expect(file.helmReleases.map(r => [r.name, r.source])).toEqual([
      ['good', { path: 'releases/dev/all.yaml', document: 5, line: 29 }],
    ]);
    expect(file.helmReleases[0].images[0]).toMatchObject({
      repository: 'example/good',
      tag: '1.0.0',
      shape: 'image-string',
      paths: { image: 'image' },
    });
  });

  it('reports each broken document at its line', () => {
    const file = parseManifestFile('releases/dev/all.yaml', multi);
    expect(file.errors).toEqual([
      {
        path: 'releases/dev/all.yaml',
        line: 17,
        message: 'HelmRelease document 3: metadata.name is required',
      },
      {
        path: 'releases/dev/all.yaml',
        line: 27,
        message: expect.stringMatching(
          /^YAML syntax error in document 4: .*mapping/i,
        ),
      },
    ]);
  });

  it('yields errors and no manifests for a file that is not YAML at all', () => {
    const file = parseManifestFile(
      'releases/dev/broken.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "dev\n---\napiVersion: v1\n',
    );
    expect(file.helmReleases).toEqual([]);
    expect(file.namespaces).toEqual([]);
    expect(file.others).toEqual([]);
    expect(file.errors).toHaveLength(1);
    expect(file.errors[0].message).toMatch(/YAML syntax error.*quote/i);
  });

  it('reports a tab used for indentation at its line', () => {
    const file = parseManifestFile(
      'ns.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: dev\n',
    );
    expect(file.errors).toEqual([
      expect.objectContaining({
        line: 4,
        message: expect.stringMatching(/tab/i),
      }),
    ]);
  });

  it('refuses a document that is not a mapping or has no kind', () => {
    const file = parseManifestFile(
      'x.yaml',
      '- a\n- b\n---\napiVersion: v1\nmetadata:\n  name: x\n',
    );
    expect(file.errors).toEqual([
      {
        path: 'x.yaml',
        line: 1,
        message: 'document 0: not a mapping, so not a Kubernetes manifest',
      },
      { path: 'x.yaml', line: 4, message: 'document 1: kind is required' },
    ]);
  });

  it('refuses duplicate keys, which kubectl refuses too', () => {
    const file = parseManifestFile(
      'x.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n',
    );
    expect(file.namespaces).toEqual([]);
    expect(file.errors).toEqual([
      expect.objectContaining({
        line: 5,
        message: expect.stringMatching(/unique/),
      }),
    ]);
  });

  it('accepts content as a Buffer, with a byte order mark and CRLF line ends', () => {
    const text =
      '\uFEFFapiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: dev\r\n';
    const file = parseManifestFile('ns.yaml', Buffer.from(text, 'utf8'));
    expect(file.errors).toEqual([]);
    expect(file.namespaces.map(n => n.name)).toEqual(['dev']);
  });

  it('refuses bytes that are not UTF-8 instead of reading replacement characters', () => {
    const good = Buffer.from(
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n  labels: {a: "\uFFFD"}\n',
    );
    expect(parseManifestFile('ns.yaml', good)).toEqual(
      expect.objectContaining({ complete: true, errors: [] }),
    );

    const bad = Buffer.concat([
      Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: d'),
      Buffer.from([0xc3, 0x28]), // a lead byte without its continuation
      Buffer.from('v\n'),
    ]);
    const file = parseManifestFile('ns.yaml', bad);
    expect(file.complete).toBe(false);
    expect(file.namespaces).toEqual([]);
    expect(file.errors).toEqual([
      {
        path: 'ns.yaml',
        line: 4,
        message: expect.stringMatching(/not valid UTF-8 .*offset 50/),
      },
    ]);
  });

  it('reads a namespace name that is not a valid DNS label as an error', () => {
    const file = parseManifestFile(
      'ns.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Dev_1\n',
    );
    expect(file.errors).toEqual([
      {
        path: 'ns.yaml',
        line: 4,
        message: expect.stringContaining(
          'metadata.name "Dev_1" is not a valid namespace name',
        ),
      },
    ]);
  });

  it('keeps other kinds without looking into them, even ones without metadata', () => {
    const file = parseManifestFile(
      'kustomization.yaml',
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: helm.fluxcd.io/v1\n    kind: HelmRelease\n',
    );
    expect(file.errors).toEqual([]);
    expect(file.others.map(o => [o.kind, o.name, o.namespace])).toEqual([
      ['Kustomization', '', undefined],
      ['List', '', undefined],
    ]);
    expect(file.helmReleases).toEqual([]);
  });

  it('resolves anchors, aliases and merge keys in the decoded values', () => {
    const file = parseManifestFile(
      'r.yaml',
      fluxV1ReleaseYaml({
        namespace: 'dev',
        values: [
          'defaults: &defaults {cpu: 100m, memory: 64Mi}',
          'worker:',
          '  <<: *defaults',
          '  memory: 128Mi',
        ],
      }),
    );
    expect(file.errors).toEqual([]);
    expect(file.helmReleases[0].values.worker).toEqual({
      cpu: '100m',
      memory: '128Mi',
    });
  });

  it('decodes values as Helm does: YAML 1.1 booleans, timestamps kept as text', () => {
    const file = parseManifestFile(
      'r.yaml',
      fluxV1ReleaseYaml({
        namespace: 'dev',
        values: [
          'ingress: {enabled: yes}',
          'since: 2024-01-31',
          'mode: 0755',
          'point: {x: 1, y: 2}',
        ],
      }),
    );
    // Surprising but faithful: Helm's YAML reads the key `y` as true too.
    expect(file.helmReleases[0].values).toEqual({
      ingress: { enabled: true },
      since: '2024-01-31',
      mode: 493,
      point: { x: 1, true: 2 },
    });
  });

  it('refuses a name that YAML 1.1 reads as a boolean, as kubectl does', () => {
    const file = parseManifestFile(
      'ns.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: no\n',
    );
    expect(file.namespaces).toEqual([]);
    expect(file.errors).toEqual([
      {
        path: 'ns.yaml',
        line: 4,
        message:
          'Namespace document 0: metadata.name must be a string, not the boolean false; quote the value to make it a string',
      },
    ]);
  });
});

describe('parseManifestFile limits', () => {
  it('refuses a file over the size limit without parsing it', () => {
    const content = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "${'x'.repeat(
      2048,
    )}"\n`;
    const file = parseManifestFile('big.yaml', content, { maxFileBytes: 1024 });
    expect(file.others).toEqual([]);
    expect(file.errors).toEqual([
      {
        path: 'big.yaml',
        message: `file is ${Buffer.byteLength(
          content,
        )} bytes, over the limit of 1024 bytes; it was not parsed`,
      },
    ]);
    expect(parseManifestFile('big.yaml', content).others).toHaveLength(1);
  });

  it('counts bytes, not characters', () => {
    const content = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\ndata: {a: "${'é'.repeat(
      300,
    )}"}\n`;
    expect(content.length).toBeLessThan(400);
    expect(
      parseManifestFile('w.yaml', content, { maxFileBytes: 400 }).errors,
    ).toHaveLength(1);
  });

  it('refuses an alias bomb with a clear error and still reads the other documents', () => {
    let bomb =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    let previous = 'a';
    for (const next of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) {
      bomb += `  ${next}: &${next} [${Array(9)
        .fill(`*${previous}`)
        .join(',')}]\n`;
      previous = next;
    }
    const content = `apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\n${bomb}`;
    const started = Date.now();
    const file = parseManifestFile('bomb.yaml', content);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(file.namespaces.map(n => n.name)).toEqual(['ok']);
    expect(file.others).toEqual([]);
    expect(file.errors).toEqual([
      {
        path: 'bomb.yaml',
        line: 5,
        message: expect.stringMatching(
          /document 1 resolves YAML aliases too many times \(limit 100\)/,
        ),
      },
    ]);
  });

  it('lets a few aliases through and honours a lower alias limit', () => {
    const content =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  first: &x one\n  second: *x\n  third: *x\n';
    expect(parseManifestFile('a.yaml', content).others[0].object.data).toEqual({
      first: 'one',
      second: 'one',
      third: 'one',
    });
    expect(
      parseManifestFile('a.yaml', content, { maxAliasCount: 1 }).errors,
    ).toHaveLength(1);
  });

  it('refuses a file with more documents than allowed', () => {
    const one = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n';
    const content = Array(4).fill(one).join('---\n');
    expect(
      parseManifestFile('n.yaml', content, { maxDocuments: 4 }).namespaces,
    ).toHaveLength(4);
    const refused = parseManifestFile('n.yaml', content, { maxDocuments: 3 });
    expect(refused.namespaces).toEqual([]);
    expect(refused.errors).toEqual([
      {
        path: 'n.yaml',
        message:
          'file has 4 YAML documents, over the limit of 3; it was not parsed',
      },
    ]);
  });

  it('has sensible defaults', () => {
    expect(MANIFEST_LIMITS).toEqual({
      maxFileBytes: 1048576,
      maxAliasCount: 100,
      maxDocuments: 100,
    });
    expect(Object.isFrozen(MANIFEST_LIMITS)).toBe(true);
  });

  it('survives deeply nested input', () => {
    const content = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(
      5000,
    )}${']'.repeat(5000)}\n`;
    const file = parseManifestFile('deep.yaml', content);
    expect(file.others).toEqual([]);
    expect(file.errors).toHaveLength(1);
  });
});

describe('isManifestPath', () => {
  it.each([
    ['releases/dev/podinfo.yaml', true],
    ['releases/dev/podinfo.yml', true],
    ['releases/dev/PODINFO.YAML', true],
    ['releases/dev/README.md', false],
    ['releases/dev/podinfo.yaml.bak', false],
    ['releases/dev/yaml', false],
  ])('%s -> %s', (path, expected) => {
    expect(isManifestPath(path)).toBe(expected);
  });
});

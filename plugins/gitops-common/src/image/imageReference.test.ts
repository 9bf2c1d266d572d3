import {
  formatImageName,
  isRegistryHost,
  parseImageReference,
  readsAsRegistryHost,
  resolveImageName,
  imageLabel,
  imageRepositorySpellings,
  sameImage,
} from './imageReference';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseImageReference', () => {
  it.each([
    [
      'stefanprodan/podinfo:0.4.10',
      { repository: 'stefanprodan/podinfo', tag: '0.4.10' },
    ],
    ['podinfo', { repository: 'podinfo', tag: '' }],
    [
      'library/nginx:1.25-alpine',
      { repository: 'library/nginx', tag: '1.25-alpine' },
    ],
    [
      'ghcr.io/org/team/app:v1.2.3',
      { registry: 'ghcr.io', repository: 'org/team/app', tag: 'v1.2.3' },
    ],
    [
      'host:5000/repo:tag',
      { registry: 'host:5000', repository: 'repo', tag: 'tag' },
    ],
    ['host:5000/repo', { registry: 'host:5000', repository: 'repo', tag: '' }],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: '' }],
    [
      'localhost:5000/a/b:dev-1',
      { registry: 'localhost:5000', repository: 'a/b', tag: 'dev-1' },
    ],
    // Without a path after it, the first segment is the repository itself.
    ['repo:5000', { repository: 'repo', tag: '5000' }],
    [`repo@${DIGEST}`, { repository: 'repo', tag: '', digest: DIGEST }],
    [
      `quay.io/org/app:1.0@${DIGEST}`,
      {
        registry: 'quay.io',
        repository: 'org/app',
        tag: '1.0',
        digest: DIGEST,
      },
    ],
  ])('parses %s', (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected);
  });

  it.each([
    '',
    'not an image',
    'Org/App:1',
    'org/app:',
    'org//app',
    ':tag',
    'org/app:bad:tag',
    'org/app@sha256:short',
    `org/app:${'x'.repeat(129)}`,
    'bad_host.io:port/app',
  ])('refuses %p', text => {
    expect(parseImageReference(text)).toBeUndefined();
  });
});

describe('readsAsRegistryHost', () => {
  it.each([
    ['ghcr.io', true],
    ['host:5000', true],
    ['localhost', true],
    ['stefanprodan', false],
    ['library', false],
  ])('%s -> %s', (segment, expected) => {
    expect(readsAsRegistryHost(segment)).toBe(expected);
  });
});

describe('resolveImageName', () => {
  it('puts official Docker Hub images under library/', () => {
    expect(resolveImageName({ repository: 'nginx' })).toEqual({
      host: 'docker.io',
      repository: 'library/nginx',
    });
    expect(
      resolveImageName({ registry: 'docker.io', repository: 'bitnami/redis' }),
    ).toEqual({
      host: 'docker.io',
      repository: 'bitnami/redis',
    });
    expect(
      resolveImageName({ registry: 'index.docker.io', repository: 'alpine' }),
    ).toEqual({
      host: 'docker.io',
      repository: 'library/alpine',
    });
  });

  it('keeps other registries as written, host lower-cased', () => {
    expect(
      resolveImageName({ registry: 'GHCR.io', repository: 'org/app' }),
    ).toEqual({
      host: 'ghcr.io',
      repository: 'org/app',
    });
    expect(
      resolveImageName({ registry: 'localhost:5000', repository: 'app' }),
    ).toEqual({
      host: 'localhost:5000',
      repository: 'app',
    });
  });

  it('rejects names that could bend request paths', () => {
    for (const repository of [
      '../x',
      'a/../../b',
      'App',
      'a?b',
      'a#b',
      'a//b',
      '',
      'a:tag',
      'a@sha256:00',
    ]) {
      expect(() =>
        resolveImageName({ registry: 'ghcr.io', repository }),
      ).toThrow('is not a repository name');
    }
    for (const registry of [
      'https://ghcr.io',
      'user@evil',
      'a/b',
      'host:port',
    ]) {
      expect(() => resolveImageName({ registry, repository: 'x' })).toThrow(
        'is not a registry host',
      );
    }
  });

  it('formats names as image refs', () => {
    expect(formatImageName({ host: 'ghcr.io', repository: 'org/app' })).toBe(
      'ghcr.io/org/app',
    );
  });
});

describe('isRegistryHost', () => {
  it('accepts names, IPs and ports', () => {
    expect(isRegistryHost('127.0.0.1:5000')).toBe(true);
    expect(isRegistryHost('[::1]:5000')).toBe(true);
    expect(isRegistryHost('registry.example.com')).toBe(true);
    expect(isRegistryHost('-bad.example')).toBe(false);
  });
});

describe('sameImage', () => {
  it('knows Docker Hub by any of its names', () => {
    expect(
      sameImage(
        { repository: 'nginx' },
        { registry: 'docker.io', repository: 'library/nginx' },
      ),
    ).toBe(true);
    expect(
      sameImage(
        { repository: 'org/app' },
        { registry: 'ghcr.io', repository: 'org/app' },
      ),
    ).toBe(false);
  });

  it('compares images that do not resolve as written', () => {
    expect(
      sameImage({ repository: 'Org/App' }, { repository: 'Org/App' }),
    ).toBe(true);
    expect(
      sameImage({ repository: 'Org/App' }, { repository: 'org/app' }),
    ).toBe(false);
  });
});

describe('Docker Hub spellings', () => {
  it('resolves every Docker Hub host to docker.io', () => {
    expect(
      resolveImageName({
        registry: 'registry-1.docker.io',
        repository: 'redis',
      }),
    ).toEqual({ host: 'docker.io', repository: 'library/redis' });
  });

  it('lists the repository paths a values file may write for one image', () => {
    expect(imageRepositorySpellings('docker.io/library/nginx').sort()).toEqual(
      ['docker.io/library/nginx', 'library/nginx', 'nginx'].sort(),
    );
    expect(imageRepositorySpellings('index.docker.io/nginx').sort()).toEqual(
      ['index.docker.io/nginx', 'library/nginx', 'nginx'].sort(),
    );
    expect(imageRepositorySpellings('ghcr.io/org/app').sort()).toEqual(
      ['ghcr.io/org/app', 'org/app'].sort(),
    );
    expect(imageRepositorySpellings('stefanprodan/podinfo')).toEqual([
      'stefanprodan/podinfo',
    ]);
  });

  it('labels an image as its release writes it', () => {
    expect(imageLabel({ repository: 'org/app' })).toBe('org/app');
    expect(imageLabel({ registry: 'ghcr.io', repository: 'org/app' })).toBe(
      'ghcr.io/org/app',
    );
  });
});

import { formatImageName, isRegistryHost, resolveImageName } from './imageName';

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

import { ConfigReader, JsonValue } from '@backstage/config';
import { readRegistriesConfig } from './readRegistriesConfig';
import { resolveRegistry } from './RegistryConfig';

const read = (registries: JsonValue) =>
  readRegistriesConfig(new ConfigReader({ gitops: { registries } }));

describe('readRegistriesConfig', () => {
  it('reads entries, with timeouts as ms, HumanDuration or strings', () => {
    expect(
      read([
        {
          host: 'GHCR.io',
          username: 'bot',
          password: 'secret',
          concurrency: 8,
          timeout: 2500,
        },
        {
          host: '127.0.0.1:5000',
          url: 'http://127.0.0.1:5000',
          timeout: { seconds: 3 },
        },
        { host: 'quay.io', timeout: '1m', redirectHosts: ['cdn.quay.io'] },
        {
          host: 'registry.gitlab.com',
          tokenRealm: 'https://gitlab.com/jwt/auth',
        },
      ]),
    ).toEqual([
      {
        host: 'ghcr.io',
        username: 'bot',
        password: 'secret',
        concurrency: 8,
        timeoutMs: 2500,
      },
      { host: '127.0.0.1:5000', url: 'http://127.0.0.1:5000', timeoutMs: 3000 },
      { host: 'quay.io', timeoutMs: 60_000, redirectHosts: ['cdn.quay.io'] },
      {
        host: 'registry.gitlab.com',
        tokenRealm: 'https://gitlab.com/jwt/auth',
      },
    ]);
    expect(readRegistriesConfig(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [[{}], 'gitops.registries[0].host is required'],
    [
      [{ host: 'https://ghcr.io' }],
      'gitops.registries[0].host "https://ghcr.io" must be a host name',
    ],
    [
      [{ host: 'a.io' }, { host: 'A.io' }],
      'gitops.registries[1].host "a.io" is configured twice',
    ],
    [
      [{ host: 'a.io', url: 'ftp://a.io' }],
      'gitops.registries[0].url "ftp://a.io" must be an http(s) URL',
    ],
    [
      [{ host: 'a.io', url: 'https://a.io/sub' }],
      'gitops.registries[0].url "https://a.io/sub" must be scheme://host[:port] without a path',
    ],
    [
      [{ host: 'a.io', url: 'https://u:p@a.io' }],
      'gitops.registries[0].url must not hold credentials',
    ],
    [
      [{ host: 'a.io', username: 'u' }],
      'gitops.registries[0].username and gitops.registries[0].password go together',
    ],
    [
      [{ host: 'a.io', concurrency: 0 }],
      'gitops.registries[0].concurrency must be an integer from 1 to 256, got 0',
    ],
    [
      [{ host: 'a.io', concurrency: 'many' }],
      'gitops.registries[0].concurrency must be an integer from 1 to 256, got "many"',
    ],
    [
      [{ host: 'a.io', timeout: -5 }],
      'gitops.registries[0].timeout must be a positive duration',
    ],
    [
      [{ host: 'a.io', timeout: 'soon' }],
      "Invalid duration 'soon' in config at 'timeout'",
    ],
    [
      [{ host: 'a.io', timeout: { months: 1 } }],
      'gitops.registries[0].timeout uses months',
    ],
    [
      [{ host: 'a.io', tokenRealm: 'nope' }],
      'gitops.registries[0].tokenRealm "nope" is not a URL',
    ],
    [
      [{ host: 'a.io', redirectHosts: 'cdn' }],
      'gitops.registries[0].redirectHosts must be a list of host names',
    ],
    [
      [{ host: 'a.io', password: 5, username: 'u' }],
      'gitops.registries[0].password must be a string',
    ],
  ])('rejects %j naming the key', (registries, message) => {
    expect(() => read(registries)).toThrow(message);
  });
});

describe('resolveRegistry', () => {
  it('applies defaults and the built-in Docker Hub endpoints', () => {
    const hub = resolveRegistry({
      host: 'docker.io',
      redirectHosts: ['mirror.example'],
    });
    expect(hub.baseUrl.href).toBe('https://registry-1.docker.io/');
    expect(hub.tokenRealm?.href).toBe('https://auth.docker.io/token');
    expect(hub.redirectHosts).toEqual([
      'production.cloudflare.docker.com',
      'mirror.example',
    ]);
    expect(hub.concurrency).toBe(4);
    expect(hub.timeoutMs).toBe(10_000);
    expect(resolveRegistry({ host: 'r.example:5000' }).baseUrl.href).toBe(
      'https://r.example:5000/',
    );
  });
});

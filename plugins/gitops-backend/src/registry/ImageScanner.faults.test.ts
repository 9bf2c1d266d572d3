import { randomBytes } from 'node:crypto';
import { ImageScanner } from './ImageScanner';
import { DEFAULT_REGISTRY_POLICY, RegistryPolicy } from './RegistryHosts';
import { InMemoryImageMetadataCache } from './__testUtils__/InMemoryImageMetadataCache';
import { RegistryConfig } from './RegistryConfig';
import {
  createRecordingLogger,
  pagedTagList,
  pushTestImage,
  startStubRegistry,
  startTestRegistry,
  StubHandler,
  StubRegistry,
  StubRequest,
  tagTestImage,
  TestRegistry,
} from './__testUtils__';

jest.setTimeout(60_000);

/*
 * What a real registry cannot be made to do, staged by a stub server in
 * front of one: rate limits, broken answers, bearer tokens, hostile
 * redirects and links, slowness, and very many tags.
 */

const everyTag = () => true;
const isTagList = (r: StubRequest) => /\/tags\/list$/.test(r.url.pathname);
const isManifest = (r: StubRequest) => /\/manifests\//.test(r.url.pathname);
const isBlob = (r: StubRequest) => /\/blobs\//.test(r.url.pathname);

describe('ImageScanner faults', () => {
  let registry: TestRegistry;
  const stubs: StubRegistry[] = [];

  async function stub(handle?: StubHandler, withUpstream = true) {
    const started = await startStubRegistry({
      handle,
      upstream: withUpstream ? registry.url : undefined,
    });
    stubs.push(started);
    return started;
  }

  function scannerFor(
    target: StubRegistry,
    config: Partial<RegistryConfig> = {},
    policy?: Partial<RegistryPolicy>,
  ) {
    const recording = createRecordingLogger();
    const scanner = new ImageScanner({
      registries: [{ host: target.host, url: target.url, ...config }],
      policy: policy && { ...DEFAULT_REGISTRY_POLICY, ...policy },
      cache: new InMemoryImageMetadataCache(),
      logger: recording.logger,
    });
    return { scanner, ...recording };
  }

  /** Scans `team/app` for every tag through a stub that answers as `handle` says (the registry otherwise). */
  async function scanTeamApp(
    handle?: StubHandler,
    config: Partial<RegistryConfig> = {},
  ) {
    const target = await stub(handle);
    const { scanner, ...logs } = scannerFor(target, config);
    const result = await scanner.scan(
      { registry: target.host, repository: 'team/app' },
      everyTag,
    );
    return { target, scanner, result, ...logs };
  }

  beforeAll(async () => {
    registry = await startTestRegistry();
    await pushTestImage(registry, {
      repository: 'team/app',
      tag: 'v1',
      created: '2024-01-01T00:00:00Z',
    });
    await pushTestImage(registry, {
      repository: 'team/paged',
      tag: 'dev-1',
      created: '2024-02-01T00:00:00Z',
    });
    await tagTestImage(registry, {
      repository: 'team/paged',
      from: 'dev-1',
      tags: ['dev-2', 'dev-3', 'dev-4', 'main-1', 'main-2', 'main-3'],
    });
  });

  afterEach(async () => {
    await Promise.all(stubs.splice(0).map(s => s.stop()));
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it('follows relative Link pages to the end', async () => {
    // distribution v2.8 ignores `n` for tags; the stub pages like v3, Docker Hub or GHCR.
    const listing = await fetch(`${registry.url}/v2/team/paged/tags/list`);
    const { tags } = (await listing.json()) as { tags: string[] };
    const pages = pagedTagList(tags, { maxPageSize: 3 });
    const target = await stub(r => (isTagList(r) ? pages(r) : undefined));
    const { scanner } = scannerFor(target);

    const result = await scanner.scan(
      { registry: target.host, repository: 'team/paged' },
      tag => tag.startsWith('dev-'),
    );
    expect(result).toEqual({
      ok: true,
      tags: [
        { tag: 'dev-1', createdAt: '2024-02-01T00:00:00.000Z' },
        { tag: 'dev-2', createdAt: '2024-02-01T00:00:00.000Z' },
        { tag: 'dev-3', createdAt: '2024-02-01T00:00:00.000Z' },
        { tag: 'dev-4', createdAt: '2024-02-01T00:00:00.000Z' },
        { tag: 'main-1' },
        { tag: 'main-2' },
        { tag: 'main-3' },
      ],
    });
    expect(target.requests.filter(isTagList).map(r => r.path)).toEqual([
      '/v2/team/paged/tags/list?n=1000',
      '/v2/team/paged/tags/list?n=3&last=dev-3',
      '/v2/team/paged/tags/list?n=3&last=main-2',
    ]);
    // One manifest per wanted tag, one blob for their shared config.
    expect(scanner.stats()[target.host]).toMatchObject({
      tagPages: 3,
      manifests: 4,
      blobs: 1,
    });
  });

  it('lists 100,000 tags over 100 pages in reasonable time', async () => {
    const tags = Array.from(
      { length: 100_000 },
      (_, i) => `build-${String(i).padStart(6, '0')}`,
    );
    const pages = pagedTagList(tags, { maxPageSize: 1000 });
    const target = await stub(
      r => (isTagList(r) ? pages(r) : undefined),
      false,
    );
    // Over the default cap: raised for this registry's sake.
    const { scanner } = scannerFor(target, {}, { maxTagsPerImage: 100_000 });

    const started = Date.now();
    const result = await scanner.scan(
      { registry: target.host, repository: 'team/huge' },
      () => false,
    );
    const elapsed = Date.now() - started;
    expect(result.ok && result.tags.length).toBe(100_000);
    expect(result.ok && result.tags[99_999]).toEqual({ tag: 'build-099999' });
    expect(scanner.stats()[target.host]).toMatchObject({
      tagPages: 100,
      manifests: 0,
    });
    expect(elapsed).toBeLessThan(15_000);
  });

  describe('listing caps', () => {
    const huge = Array.from(
      { length: 30_000 },
      (_, i) => `build-${String(i).padStart(6, '0')}`,
    );

    it('makes an image over the tag cap a problem of the image, without reading further pages', async () => {
      const pages = pagedTagList(huge, { maxPageSize: 1000 });
      const target = await stub(
        r => (isTagList(r) ? pages(r) : undefined),
        false,
      );
      const { scanner } = scannerFor(target);
      const result = await scanner.scan(
        { registry: target.host, repository: 'team/huge' },
        () => true,
      );
      expect(DEFAULT_REGISTRY_POLICY.maxTagsPerImage).toBe(20_000);
      expect(result).toMatchObject({
        ok: false,
        error: `${target.host}/team/huge: the image lists more than 20000 tags (gitops.registryPolicy.maxTagsPerImage)`,
      });
      expect(scanner.stats()[target.host]).toMatchObject({
        tagPages: 21,
        manifests: 0,
      });
    });

    it('stops reading a listing over the byte cap', async () => {
      // One page three times the cap: refused by its size, never held whole.
      let sent = 0;
      const target = await stub(r => {
        if (!isTagList(r)) return undefined;
        const chunk = `"${'x'.repeat(1000)}",`;
        const body = `{"name":"team/endless","tags":[${chunk.repeat(
          3000,
        )}"end"]}`;
        sent += body.length;
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body,
        };
      }, false);
      const { scanner } = scannerFor(
        target,
        {},
        { maxListingBytes: 1024 * 1024 },
      );
      const result = await scanner.scan(
        { registry: target.host, repository: 'team/endless' },
        () => true,
      );
      expect(sent).toBeGreaterThan(2 * 1024 * 1024);
      expect(result).toMatchObject({
        ok: false,
        error: `${target.host}/team/endless: the tag listing is larger than 1048576 bytes (gitops.registryPolicy.maxListingBytes)`,
      });
    });
  });

  describe('rate limits', () => {
    it('waits for Retry-After seconds, then succeeds', async () => {
      let limited = 0;
      const target = await stub(r => {
        if (isTagList(r) && limited++ === 0) {
          return { status: 429, headers: { 'retry-after': '1' } };
        }
        return undefined;
      });
      const { scanner } = scannerFor(target);
      const started = Date.now();
      const result = await scanner.scan(
        { registry: target.host, repository: 'team/app' },
        everyTag,
      );
      expect(result).toEqual({
        ok: true,
        tags: [{ tag: 'v1', createdAt: '2024-01-01T00:00:00.000Z' }],
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(target.requests.filter(isTagList)).toHaveLength(2);
    });

    it('reads Retry-After as an HTTP date', async () => {
      let limited = 0;
      const { target, result } = await scanTeamApp(r => {
        if (isManifest(r) && limited++ === 0) {
          const past = new Date(Date.now() - 60_000).toUTCString();
          return { status: 429, headers: { 'retry-after': past } };
        }
        return undefined;
      });
      expect(result.ok).toBe(true);
      expect(target.requests.filter(isManifest)).toHaveLength(2);
    });

    it('gives up after a bounded number of retries', async () => {
      const { target, result } = await scanTeamApp(r =>
        isTagList(r)
          ? { status: 429, headers: { 'retry-after': '0' } }
          : undefined,
      );
      expect(result).toMatchObject({
        ok: false,
        error: `${target.host}/team/app: ${target.host} rate limited (HTTP 429) on /v2/team/app/tags/list; gave up after 3 retries`,
      });
      expect(target.requests.filter(isTagList)).toHaveLength(4);
    });

    it('fails at once when asked to wait longer than the cap', async () => {
      const { target, result } = await scanTeamApp(r =>
        isTagList(r)
          ? { status: 429, headers: { 'retry-after': '3600' } }
          : undefined,
      );
      expect(!result.ok && result.error).toContain(
        'asks to retry after 3600 s',
      );
      expect(target.requests.filter(isTagList)).toHaveLength(1);
    });
  });

  describe('broken answers', () => {
    it('reports a malformed tag list', async () => {
      const { target, result } = await scanTeamApp(r =>
        isTagList(r)
          ? { status: 200, body: '{"name":"team/app","tags":[' }
          : undefined,
      );
      expect(result).toMatchObject({
        ok: false,
        error: `${target.host}/team/app: the tag list is not valid JSON`,
      });
    });

    it('reports a malformed manifest', async () => {
      const { target, result } = await scanTeamApp(r =>
        isManifest(r) ? { status: 200, body: '<html>oops</html>' } : undefined,
      );
      expect(result).toMatchObject({
        ok: false,
        error: `${target.host}/team/app: tag v1: manifest v1 is not valid JSON`,
      });
    });

    it('reports a manifest without config', async () => {
      const { target, result } = await scanTeamApp(r =>
        isManifest(r)
          ? {
              status: 200,
              headers: {
                'content-type':
                  'application/vnd.docker.distribution.manifest.v2+json',
              },
              body: { schemaVersion: 2, layers: [] },
            }
          : undefined,
      );
      expect(result).toMatchObject({
        ok: false,
        error: `${target.host}/team/app: tag v1: manifest has no config (media type application/vnd.docker.distribution.manifest.v2+json)`,
      });
    });

    it('reports a config blob that does not match its digest', async () => {
      const { result } = await scanTeamApp(r =>
        isBlob(r)
          ? { status: 200, body: { created: '1999-01-01T00:00:00Z' } }
          : undefined,
      );
      expect(!result.ok && result.error).toMatch(
        /tag v1: config blob sha256:[a-f0-9]{64} does not match its digest/,
      );
    });

    it('refuses an oversized answer', async () => {
      const { result } = await scanTeamApp(r =>
        isManifest(r)
          ? { status: 200, body: Buffer.alloc(5 * 1024 * 1024, 32) }
          : undefined,
      );
      expect(!result.ok && result.error).toContain(
        'tag v1: response exceeds the 4194304 byte limit',
      );
    });

    it('keeps what it learned when one tag fails', async () => {
      const target = await stub(r =>
        isManifest(r) && r.url.pathname.endsWith('/dev-4')
          ? { status: 500 }
          : undefined,
      );
      const cache = new InMemoryImageMetadataCache();
      const scanner = new ImageScanner({
        registries: [{ host: target.host, url: target.url, concurrency: 1 }],
        cache,
        logger: createRecordingLogger().logger,
      });
      const result = await scanner.scan(
        { registry: target.host, repository: 'team/paged' },
        tag => tag.startsWith('dev-'),
      );
      expect(result).toMatchObject({
        ok: false,
        error: `${target.host}/team/paged: tag dev-4: registry answered HTTP 500 fetching manifest dev-4`,
      });
      const cached = await cache.getTags(target.host, 'team/paged', [
        'dev-1',
        'dev-2',
        'dev-3',
        'dev-4',
      ]);
      expect([...cached.keys()].sort()).toEqual(['dev-1', 'dev-2', 'dev-3']);
    });

    it('times out a registry that does not answer', async () => {
      const target = await stub(r =>
        isTagList(r)
          ? { status: 200, body: { tags: [] }, delayMs: 2000 }
          : undefined,
      );
      const { scanner } = scannerFor(target, { timeoutMs: 200 });
      const started = Date.now();
      const result = await scanner.scan(
        { registry: target.host, repository: 'team/app' },
        everyTag,
      );
      expect(result).toMatchObject({
        ok: false,
        error: `${target.host}/team/app: ${target.host} timed out after 200 ms on /v2/team/app/tags/list`,
      });
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('reports a registry nobody listens on', async () => {
      const target = await stub();
      const { scanner } = scannerFor(target);
      await target.stop();
      const result = await scanner.scan(
        { registry: target.host, repository: 'team/app' },
        everyTag,
      );
      expect(!result.ok && result.error).toContain(
        `cannot reach http://${target.host} (ECONNREFUSED)`,
      );
    });
  });

  describe('hosts a registry must not steer to', () => {
    it('refuses a tag list Link to another host', async () => {
      const { result } = await scanTeamApp(r =>
        isTagList(r)
          ? {
              status: 200,
              headers: {
                link: `<http://127.0.0.2:${registry.url
                  .split(':')
                  .pop()}/v2/team/app/tags/list?last=v1>; rel="next"`,
              },
              body: { name: 'team/app', tags: ['v1'] },
            }
          : undefined,
      );
      expect(!result.ok && result.error).toContain(
        'refused to follow the tag list Link to http://127.0.0.2:',
      );
    });

    it('follows a redirect on its own host and refuses one to another', async () => {
      const target = await stub(r => {
        if (isBlob(r) && !r.url.pathname.startsWith('/moved')) {
          return {
            status: 307,
            headers: { location: `/moved${r.url.pathname}` },
          };
        }
        if (r.url.pathname.startsWith('/moved')) {
          return fetch(
            `${registry.url}${r.url.pathname.slice('/moved'.length)}`,
          ).then(async response => ({
            status: response.status,
            body: Buffer.from(await response.arrayBuffer()),
          }));
        }
        if (isManifest(r) && r.url.pathname.endsWith('/evil')) {
          return {
            status: 302,
            headers: {
              location: `http://localhost:${target.port}/v2/team/app/manifests/v1`,
            },
          };
        }
        if (isTagList(r) && r.url.pathname.includes('team/evil')) {
          return { status: 200, body: { tags: ['evil'] } };
        }
        return undefined;
      });
      const { scanner } = scannerFor(target);
      expect(
        await scanner.scan(
          { registry: target.host, repository: 'team/app' },
          everyTag,
        ),
      ).toEqual({
        ok: true,
        tags: [{ tag: 'v1', createdAt: '2024-01-01T00:00:00.000Z' }],
      });
      expect(
        target.requests.filter(r =>
          r.path.startsWith('/moved/v2/team/app/blobs/'),
        ),
      ).toHaveLength(1);

      const evil = await scanner.scan(
        { registry: target.host, repository: 'team/evil' },
        everyTag,
      );
      expect(!evil.ok && evil.error).toContain(
        `tag evil: refused to follow a redirect from ${target.host} to http://localhost:${target.port}`,
      );
      expect(
        target.requests.some(r => r.headers.host?.startsWith('localhost')),
      ).toBe(false);
    });
  });

  describe('bearer tokens', () => {
    const username = 'ci-bot';
    const password = 'bearer-flow-secret-password';

    /** A registry that wants `Bearer` tokens from its realm (by default its own /token). */
    async function tokenRegistry(
      options: {
        realm?: (self: StubRegistry) => string;
        issued?: Set<string>;
      } = {},
    ) {
      const issued = options.issued ?? new Set<string>();
      const tokenRequests: URL[] = [];
      // Assigned once the stub listens; only its handlers, called later, read it.
      // eslint-disable-next-line prefer-const
      let self!: StubRegistry;
      const realm = () => options.realm?.(self) ?? `${self.url}/token`;
      const challenge = (scope?: string) => ({
        status: 401,
        headers: {
          'www-authenticate': `Bearer realm="${realm()}",service="stub-registry"${
            scope ? `,scope="${scope}"` : ''
          }`,
        },
        body: { errors: [{ code: 'UNAUTHORIZED' }] },
      });
      self = await stub(r => {
        if (r.url.pathname === '/token') {
          tokenRequests.push(r.url);
          const expected = `Basic ${Buffer.from(
            `${username}:${password}`,
          ).toString('base64')}`;
          if (r.headers.authorization !== expected) {
            return { status: 401, body: { details: 'bad credentials' } };
          }
          const token = `tok-${randomBytes(8).toString('hex')}`;
          issued.add(token);
          return { status: 200, body: { token, expires_in: 300 } };
        }
        const bearer = r.headers.authorization?.replace(/^Bearer /, '');
        if (!bearer || !issued.has(bearer)) {
          const name = /^\/v2\/(.+?)\/(?:tags|manifests|blobs)\//.exec(
            r.url.pathname,
          )?.[1];
          return challenge(name && `repository:${name}:pull`);
        }
        return undefined;
      });
      return { target: self, issued, tokenRequests };
    }

    it('fetches a token per scope with the credentials and reuses it', async () => {
      const { target, issued, tokenRequests } = await tokenRegistry();
      const { scanner, text } = scannerFor(target, { username, password });
      const image = { registry: target.host, repository: 'team/app' };
      const expected = {
        ok: true,
        tags: [{ tag: 'v1', createdAt: '2024-01-01T00:00:00.000Z' }],
      };
      expect(await scanner.scan(image, everyTag)).toEqual(expected);
      expect(await scanner.scan(image, everyTag)).toEqual(expected);
      expect(tokenRequests).toHaveLength(1);
      expect(tokenRequests[0].searchParams.get('service')).toBe(
        'stub-registry',
      );
      expect(tokenRequests[0].searchParams.get('scope')).toBe(
        'repository:team/app:pull',
      );
      const logged = text();
      for (const token of issued) expect(logged).not.toContain(token);
      expect(logged).not.toContain(password);
    });

    it('gets a new token once when the registry stops accepting the old one', async () => {
      const { target, issued, tokenRequests } = await tokenRegistry();
      const { scanner } = scannerFor(target, { username, password });
      const image = { registry: target.host, repository: 'team/app' };
      await scanner.scan(image, everyTag);
      issued.clear();
      expect((await scanner.scan(image, everyTag)).ok).toBe(true);
      expect(tokenRequests).toHaveLength(2);
    });

    it('reports refused credentials without them', async () => {
      const { target } = await tokenRegistry();
      const wrong = 'definitely-wrong-password';
      const { scanner, text } = scannerFor(target, {
        username,
        password: wrong,
      });
      const result = await scanner.scan(
        { registry: target.host, repository: 'team/app' },
        everyTag,
      );
      expect(result).toMatchObject({
        ok: false,
        error: `${target.host}/team/app: unauthorized (HTTP 401): the token service ${target.host} refused the configured username and password`,
      });
      expect(JSON.stringify(result) + text()).not.toContain(wrong);
    });

    it('refuses a realm on another host', async () => {
      const { target, tokenRequests } = await tokenRegistry({
        realm: self => `http://127.0.0.2:${self.port}/token`,
      });
      const { scanner } = scannerFor(target, { username, password });
      const result = await scanner.scan(
        { registry: target.host, repository: 'team/app' },
        everyTag,
      );
      expect(!result.ok && result.error).toContain(
        `refused the token realm on 127.0.0.2:${target.port}: only ${target.host} are trusted`,
      );
      expect(tokenRequests).toHaveLength(0);
    });

    it('uses a realm on another host when it is the configured tokenRealm', async () => {
      const auth = await tokenRegistry();
      // The registry sends clients to the other stub's token endpoint and trusts its tokens.
      const { target, tokenRequests } = await tokenRegistry({
        realm: () => `${auth.target.url}/token`,
        issued: auth.issued,
      });
      const { scanner } = scannerFor(target, {
        username,
        password,
        tokenRealm: `${auth.target.url}/token`,
      });
      const result = await scanner.scan(
        { registry: target.host, repository: 'team/app' },
        everyTag,
      );
      expect(result.ok).toBe(true);
      expect(auth.tokenRequests).toHaveLength(1);
      expect(tokenRequests).toHaveLength(0);
    });
  });

  it('keeps requests in flight within the registry concurrency', async () => {
    await pushTestImage(registry, {
      repository: 'team/busy',
      tag: 'dev-0',
      created: '2024-03-01T00:00:00Z',
    });
    await tagTestImage(registry, {
      repository: 'team/busy',
      from: 'dev-0',
      tags: Array.from({ length: 23 }, (_, i) => `dev-${i + 1}`),
    });
    const target = await stub(r =>
      isManifest(r) || isTagList(r) ? proxyLater(registry, r, 30) : undefined,
    );
    const { scanner } = scannerFor(target, { concurrency: 2 });
    const results = await Promise.all(
      ['team/busy', 'team/app', 'team/paged'].map(repository =>
        scanner.scan({ registry: target.host, repository }, everyTag),
      ),
    );
    expect(results.every(r => r.ok)).toBe(true);
    expect(target.maxInFlight).toBe(2);
  });
});

/** Proxies to the real registry after a delay, so requests overlap. */
async function proxyLater(
  registry: TestRegistry,
  request: StubRequest,
  delayMs: number,
) {
  const response = await fetch(`${registry.url}${request.path}`, {
    headers: { accept: String(request.headers.accept ?? '*/*') },
  });
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'docker-content-digest', 'link']) {
    const value = response.headers.get(name);
    if (value) headers[name] = value;
  }
  return {
    status: response.status,
    headers,
    body: Buffer.from(await response.arrayBuffer()),
    delayMs,
  };
}

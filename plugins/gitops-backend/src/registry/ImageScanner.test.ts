import { ImageScanner, ImageScanResult } from './ImageScanner';
import { InMemoryImageMetadataCache } from './__testUtils__/InMemoryImageMetadataCache';
import {
  createRecordingLogger,
  DECOY_CREATED,
  pushTestImage,
  startTestRegistry,
  TestRegistry,
} from './__testUtils__';

jest.setTimeout(60_000);

/*
 * Against Debian's docker-registry (distribution v2.8), the real thing:
 * media types, digests, auth and error bodies as a registry sends them.
 */

const everyTag = () => true;

/** Registries list tags in no particular order (distribution: directory order). */
function sorted(result: ImageScanResult): ImageScanResult {
  return result.ok
    ? {
        ok: true,
        tags: [...result.tags].sort((a, b) => a.tag.localeCompare(b.tag)),
      }
    : result;
}

function scannerFor(
  registry: TestRegistry,
  extra: { username?: string; password?: string } = {},
) {
  const recording = createRecordingLogger();
  const cache = new InMemoryImageMetadataCache();
  const scanner = new ImageScanner({
    registries: [{ host: registry.host, url: registry.url, ...extra }],
    cache,
    logger: recording.logger,
  });
  return { scanner, cache, ...recording };
}

describe('ImageScanner against docker-registry', () => {
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startTestRegistry();
    for (const image of [
      { repository: 'team/docker', tag: 'v1', created: '2024-01-02T03:04:05Z' },
      {
        repository: 'team/docker',
        tag: 'v2',
        created: '2024-02-03T04:05:06.123456789Z',
      },
      {
        repository: 'team/oci',
        tag: '1.0.0',
        created: '2024-03-01T00:00:00+02:00',
        format: 'oci' as const,
      },
      {
        repository: 'team/list',
        tag: 'multi',
        created: '2024-04-01T10:00:00Z',
        index: true,
      },
      {
        repository: 'team/index',
        tag: 'multi',
        created: '2024-05-01T10:00:00Z',
        index: true,
        format: 'oci' as const,
      },
      {
        repository: 'team/arm',
        tag: 'only-arm',
        created: '2024-06-01T10:00:00Z',
        platform: 'linux/arm64',
        index: true,
        format: 'oci' as const,
      },
      { repository: 'team/undated', tag: 'reproducible', created: undefined },
    ]) {
      await pushTestImage(registry, image);
    }
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it.each<[string, string, Array<{ tag: string; createdAt?: string }>]>([
    [
      'lists tags and reads created from schema 2 images',
      'team/docker',
      [
        { tag: 'v1', createdAt: '2024-01-02T03:04:05.000Z' },
        { tag: 'v2', createdAt: '2024-02-03T04:05:06.123Z' },
      ],
    ],
    [
      'reads created from OCI images, normalised to UTC',
      'team/oci',
      [{ tag: '1.0.0', createdAt: '2024-02-29T22:00:00.000Z' }],
    ],
    [
      'takes the first entry of a list without linux/amd64',
      'team/arm',
      [{ tag: 'only-arm', createdAt: '2024-06-01T10:00:00.000Z' }],
    ],
    [
      'reports no createdAt for a config without created',
      'team/undated',
      [{ tag: 'reproducible' }],
    ],
  ])('%s', async (_, repository, tags) => {
    const { scanner } = scannerFor(registry);
    const result = await scanner.scan(
      { registry: registry.host, repository },
      everyTag,
    );
    expect(sorted(result)).toEqual({ ok: true, tags });
  });

  it.each([
    ['a Docker manifest list', 'team/list', '2024-04-01T10:00:00.000Z'],
    ['an OCI index', 'team/index', '2024-05-01T10:00:00.000Z'],
  ])(
    'takes linux/amd64 from %s, not the first entry',
    async (_, repository, createdAt) => {
      const { scanner, cache } = scannerFor(registry);
      const result = await scanner.scan(
        { registry: registry.host, repository },
        everyTag,
      );
      expect(result).toEqual({ ok: true, tags: [{ tag: 'multi', createdAt }] });
      expect(createdAt).not.toBe(new Date(DECOY_CREATED).toISOString());
      // The cache keeps the digest the tag points at: the list's own.
      const cached = await cache.getTags(registry.host, repository, ['multi']);
      const tagged = await fetch(
        `${registry.url}/v2/${repository}/manifests/multi`,
        {
          method: 'HEAD',
          headers: {
            accept:
              'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json',
          },
        },
      );
      expect(cached.get('multi')?.digest).toBe(
        tagged.headers.get('docker-content-digest'),
      );
    },
  );

  it('fills createdAt only for tags the policy wants', async () => {
    const { scanner } = scannerFor(registry);
    const result = await scanner.scan(
      { registry: registry.host, repository: 'team/docker' },
      tag => tag === 'v2',
    );
    expect(sorted(result)).toEqual({
      ok: true,
      tags: [
        { tag: 'v1' },
        { tag: 'v2', createdAt: '2024-02-03T04:05:06.123Z' },
      ],
    });
    expect(scanner.stats()[registry.host]).toMatchObject({
      manifests: 1,
      blobs: 1,
    });
  });

  it('asks only for the tag list when nothing changed', async () => {
    const { scanner } = scannerFor(registry);
    const image = { registry: registry.host, repository: 'team/docker' };
    const first = await scanner.scan(image, everyTag);
    const before = scanner.stats()[registry.host];
    expect(before).toEqual({
      requests: 6,
      tagPages: 1,
      manifests: 2,
      blobs: 2,
    });

    const second = await scanner.scan(image, everyTag);
    expect(second).toEqual(first);
    const after = scanner.stats()[registry.host];
    expect(after).toEqual({ ...before, requests: 7, tagPages: 2 });
  });

  it('lets the persistent cache forget tags the registry stopped listing, once per image in a while', async () => {
    const { scanner, cache } = scannerFor(registry);
    const image = { registry: registry.host, repository: 'team/docker' };
    await cache.putTags(
      registry.host,
      'team/docker',
      new Map([['deleted', { digest: 'sha256:gone' }]]),
    );
    await scanner.scan(image, everyTag);
    expect(
      (
        await cache.getTags(registry.host, 'team/docker', [
          'deleted',
          'v1',
          'v2',
        ])
      ).size,
    ).toBe(2);
    await scanner.scan(image, everyTag);
    expect(cache.retainCalls).toBe(1);
  });

  it('uses the persistent cache across scanner instances (restarts)', async () => {
    const cache = new InMemoryImageMetadataCache();
    const image = { registry: registry.host, repository: 'team/index' };
    const make = () =>
      new ImageScanner({
        registries: [{ host: registry.host, url: registry.url }],
        cache,
        logger: createRecordingLogger().logger,
      });
    const first = await make().scan(image, everyTag);
    const restarted = make();
    expect(await restarted.scan(image, everyTag)).toEqual(first);
    // Ping and one tag page; no manifest or blob.
    expect(restarted.stats()[registry.host]).toEqual({
      requests: 2,
      tagPages: 1,
      manifests: 0,
      blobs: 0,
    });
  });

  it('fetches only the new tag after a push, and no blob for a known digest', async () => {
    const { scanner } = scannerFor(registry);
    const image = { registry: registry.host, repository: 'team/retag' };
    await pushTestImage(registry, {
      repository: 'team/retag',
      tag: 'dev-1',
      created: '2024-07-01T00:00:00Z',
    });
    await scanner.scan(image, everyTag);
    const before = scanner.stats()[registry.host];

    // Same image under a second tag: one manifest request, digest known.
    await pushTestImage(registry, {
      repository: 'team/retag',
      tag: 'dev-2',
      created: '2024-07-01T00:00:00Z',
    });
    const result = await scanner.scan(image, everyTag);
    expect(sorted(result)).toEqual({
      ok: true,
      tags: [
        { tag: 'dev-1', createdAt: '2024-07-01T00:00:00.000Z' },
        { tag: 'dev-2', createdAt: '2024-07-01T00:00:00.000Z' },
      ],
    });
    const after = scanner.stats()[registry.host];
    expect(after.manifests - before.manifests).toBe(1);
    expect(after.blobs - before.blobs).toBe(0);
  });

  it('reports an image that is gone as not found', async () => {
    const { scanner, records } = scannerFor(registry);
    const result = await scanner.scan(
      { registry: registry.host, repository: 'team/deleted' },
      everyTag,
    );
    expect(result).toEqual({
      ok: false,
      error: `${registry.host}/team/deleted: image not found (HTTP 404 NAME_UNKNOWN listing tags)`,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'Image scan failed' }),
    );
  });

  it('fails a malformed repository name without a request', async () => {
    const { scanner } = scannerFor(registry);
    const result = await scanner.scan(
      { registry: registry.host, repository: '../../v2/_catalog?' },
      everyTag,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain('is not a repository name');
    expect(scanner.stats()).toEqual({});
  });
});

describe('ImageScanner against docker-registry with htpasswd', () => {
  const username = 'robot';
  const password = 'Pa55-w0rd-that-must-not-leak';
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startTestRegistry({ htpasswd: { username, password } });
    await pushTestImage(registry, {
      repository: 'private/app',
      tag: 'v1',
      created: '2024-08-01T00:00:00Z',
    });
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it('answers the Basic challenge with the configured credentials', async () => {
    const { scanner } = scannerFor(registry, { username, password });
    const result = await scanner.scan(
      { registry: registry.host, repository: 'private/app' },
      everyTag,
    );
    expect(result).toEqual({
      ok: true,
      tags: [{ tag: 'v1', createdAt: '2024-08-01T00:00:00.000Z' }],
    });
  });

  it('reports wrong credentials as a 401 without the password', async () => {
    const wrong = 'not-the-password-either';
    const { scanner, text } = scannerFor(registry, {
      username,
      password: wrong,
    });
    const result = await scanner.scan(
      { registry: registry.host, repository: 'private/app' },
      everyTag,
    );
    expect(result).toMatchObject({
      ok: false,
      error: `${registry.host}/private/app: unauthorized (HTTP 401): ${registry.host} rejected the configured username and password`,
    });
    const everything = JSON.stringify(result) + text();
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(
      Buffer.from(`${username}:${wrong}`).toString('base64'),
    );
  });

  it('says credentials are needed when none are configured', async () => {
    const { scanner } = scannerFor(registry);
    const result = await scanner.scan(
      { registry: registry.host, repository: 'private/app' },
      everyTag,
    );
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringContaining('unauthorized (HTTP 401)'),
    });
    expect(!result.ok && result.error).toContain('requires credentials');
  });
});

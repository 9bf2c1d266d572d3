import { InMemoryImageMetadataCache } from './InMemoryImageMetadataCache';

describe('InMemoryImageMetadataCache', () => {
  it('returns only stored tags, per host and repository', async () => {
    const cache = new InMemoryImageMetadataCache();
    await cache.putTags(
      'ghcr.io',
      'org/app',
      new Map([
        ['v1', { digest: 'sha256:aa', createdAt: '2024-01-01T00:00:00.000Z' }],
        ['v2', { digest: 'sha256:bb' }],
      ]),
    );
    expect(
      await cache.getTags('ghcr.io', 'org/app', ['v1', 'v2', 'v3']),
    ).toEqual(
      new Map([
        ['v1', { digest: 'sha256:aa', createdAt: '2024-01-01T00:00:00.000Z' }],
        ['v2', { digest: 'sha256:bb' }],
      ]),
    );
    expect(await cache.getTags('ghcr.io', 'org/other', ['v1'])).toEqual(
      new Map(),
    );
    expect(await cache.getTags('docker.io', 'org/app', ['v1'])).toEqual(
      new Map(),
    );
  });

  it('shares a digest creation time between tags and repositories of a host', async () => {
    const cache = new InMemoryImageMetadataCache();
    await cache.putTags(
      'r.example',
      'a',
      new Map([
        ['x', { digest: 'sha256:cc', createdAt: '2024-02-02T00:00:00.000Z' }],
      ]),
    );
    await cache.putTags(
      'r.example',
      'b',
      new Map([['y', { digest: 'sha256:cc' }]]),
    );
    expect((await cache.getTags('r.example', 'b', ['y'])).get('y')).toEqual({
      digest: 'sha256:cc',
      createdAt: '2024-02-02T00:00:00.000Z',
    });
  });

  it('moves a tag to its new digest', async () => {
    const cache = new InMemoryImageMetadataCache();
    await cache.putTags('h', 'r', new Map([['t', { digest: 'sha256:01' }]]));
    await cache.putTags('h', 'r', new Map([['t', { digest: 'sha256:02' }]]));
    expect((await cache.getTags('h', 'r', ['t'])).get('t')).toEqual({
      digest: 'sha256:02',
    });
  });
});

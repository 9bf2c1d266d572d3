import { mockServices } from '@backstage/backend-test-utils';
import { parseImagePolicy } from '@backstage-gitops/plugin-gitops-common';
import { InMemoryImageMetadataCache } from '../registry/__testUtils__/InMemoryImageMetadataCache';
import { pushTestImage } from '../registry/__testUtils__/pushTestImage';
import {
  startTestRegistry,
  TestRegistry,
} from '../registry/__testUtils__/startTestRegistry';
import { findTagOnDigest } from './findTagOnDigest';
import { RegistryTagDigests } from './RegistryTagDigests';

jest.setTimeout(60_000);

const IMAGE = { repository: 'team/app' };

describe('findTagOnDigest', () => {
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startTestRegistry();
  });

  afterAll(async () => {
    await registry.stop();
  });

  const push = (tag: string, created: string) =>
    pushTestImage(registry, { repository: IMAGE.repository, tag, created });

  const digests = (cache?: InMemoryImageMetadataCache) => {
    const fetches: string[] = [];
    const tagDigests = new RegistryTagDigests({
      registries: [{ host: 'docker.io', url: registry.url }],
      logger: mockServices.logger.mock(),
      cache,
      fetch: (input, init) => {
        fetches.push(String(input));
        return fetch(input, init);
      },
    });
    return {
      tagDigests,
      manifestRequests: () =>
        fetches.filter(url => url.includes('/manifests/')),
    };
  };

  it('checks a cached digest again before trusting it, since tags move', async () => {
    const digest = await push('rc-1', '2026-01-01T00:00:00Z');
    await push('rc-2', '2026-01-01T00:00:00Z');
    const other = await push('rc-9', '2026-02-01T00:00:00Z');
    const cache = new InMemoryImageMetadataCache();
    // The scanner once saw rc-9 on this digest; it has been pushed over since.
    await cache.putTags(
      'docker.io',
      IMAGE.repository,
      new Map([
        ['rc-9', { digest }],
        ['rc-2', { digest }],
      ]),
    );
    expect(other).not.toBe(digest);

    const { tagDigests, manifestRequests } = digests(cache);
    const found = await findTagOnDigest(
      tagDigests,
      IMAGE,
      digest,
      parseImagePolicy('glob:rc-*'),
    );
    expect(found).toEqual({ tag: 'rc-2', matches: 2, unchecked: 0 });
    // rc-1 (not cached), then rc-9 and rc-2 (cached, checked before use).
    expect(
      manifestRequests()
        .map(url => url.split('/manifests/')[1])
        .sort(),
    ).toEqual(['rc-1', 'rc-2', 'rc-9']);
  });

  it('finds nothing when no allowed tag has the digest', async () => {
    const digest = await push('dev-1', '2026-03-01T00:00:00Z');
    const { tagDigests } = digests();
    expect(
      await findTagOnDigest(
        tagDigests,
        IMAGE,
        digest,
        parseImagePolicy('glob:rc-*'),
      ),
    ).toEqual({
      matches: 0,
      unchecked: 0,
    });
  });
});

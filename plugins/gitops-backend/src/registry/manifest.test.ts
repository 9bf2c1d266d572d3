import {
  isTag,
  MEDIA_TYPES,
  parseManifest,
  pickPlatformEntry,
  readCreatedAt,
} from './manifest';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe('parseManifest', () => {
  it('reads the config digest of Docker and OCI image manifests', () => {
    for (const mediaType of [
      MEDIA_TYPES.dockerManifest,
      MEDIA_TYPES.ociManifest,
    ]) {
      expect(
        parseManifest(
          {
            schemaVersion: 2,
            mediaType,
            config: { digest: digest('a') },
            layers: [],
          },
          null,
        ),
      ).toEqual({ kind: 'image', configDigest: digest('a') });
    }
  });

  it('recognises lists by media type, header or shape', () => {
    const manifests = [
      { digest: digest('b'), platform: { os: 'linux', architecture: 'arm64' } },
    ];
    const entries = [
      { digest: digest('b'), platform: { os: 'linux', architecture: 'arm64' } },
    ];
    expect(
      parseManifest(
        { mediaType: MEDIA_TYPES.dockerManifestList, manifests },
        null,
      ),
    ).toEqual({ kind: 'index', entries });
    expect(
      parseManifest({ manifests }, `${MEDIA_TYPES.ociIndex}; charset=utf-8`),
    ).toEqual({ kind: 'index', entries });
    expect(parseManifest({ schemaVersion: 2, manifests }, null)).toEqual({
      kind: 'index',
      entries,
    });
  });

  it('rejects manifests it cannot read', () => {
    expect(() => parseManifest([], null)).toThrow('not a JSON object');
    expect(() =>
      parseManifest(
        { schemaVersion: 1, fsLayers: [] },
        'application/vnd.docker.distribution.manifest.v1+prettyjws',
      ),
    ).toThrow(
      'manifest has no config (media type application/vnd.docker.distribution.manifest.v1+prettyjws, schema 1 is not supported)',
    );
    expect(() => parseManifest({ config: { digest: '../etc' } }, null)).toThrow(
      'manifest config has no valid digest',
    );
    expect(() =>
      parseManifest({ mediaType: MEDIA_TYPES.ociIndex, manifests: [] }, null),
    ).toThrow('has no manifests');
    expect(() =>
      parseManifest(
        { mediaType: MEDIA_TYPES.ociIndex, manifests: [{ digest: 'x/y' }] },
        null,
      ),
    ).toThrow('manifest list entry 0 has no valid digest');
  });
});

describe('pickPlatformEntry', () => {
  const entry = (c: string, os: string, architecture: string) => ({
    digest: digest(c),
    platform: { os, architecture },
  });

  it('takes linux/amd64 wherever it is listed', () => {
    expect(
      pickPlatformEntry([
        entry('a', 'linux', 'arm64'),
        entry('b', 'linux', 'amd64'),
      ]).digest,
    ).toBe(digest('b'));
  });

  it('otherwise takes the first real platform, skipping attestations', () => {
    expect(
      pickPlatformEntry([
        entry('a', 'unknown', 'unknown'),
        entry('b', 'linux', 'arm64'),
      ]).digest,
    ).toBe(digest('b'));
    expect(pickPlatformEntry([{ digest: digest('c') }]).digest).toBe(
      digest('c'),
    );
  });
});

describe('readCreatedAt', () => {
  it('normalises to ISO UTC with milliseconds', () => {
    expect(readCreatedAt({ created: '2024-01-02T03:04:05.123456789Z' })).toBe(
      '2024-01-02T03:04:05.123Z',
    );
    expect(readCreatedAt({ created: '2024-01-02T03:04:05+01:00' })).toBe(
      '2024-01-02T02:04:05.000Z',
    );
  });

  it('is undefined when absent or unreadable', () => {
    expect(readCreatedAt({})).toBeUndefined();
    expect(readCreatedAt({ created: 'yesterday' })).toBeUndefined();
    expect(readCreatedAt({ created: 12 })).toBeUndefined();
    expect(readCreatedAt(null)).toBeUndefined();
  });
});

describe('isTag', () => {
  it('accepts the tag grammar only', () => {
    expect(isTag('v1.2.3-rc_1')).toBe(true);
    expect(isTag('a'.repeat(128))).toBe(true);
    expect(isTag('a'.repeat(129))).toBe(false);
    expect(isTag('.hidden')).toBe(false);
    expect(isTag('../x')).toBe(false);
    expect(isTag('a?b')).toBe(false);
  });
});

import { ImageMetadataCache, TagMetadata } from '../ImageMetadataCache';

/**
 * {@link ImageMetadataCache} in process memory, for tests and benchmarks
 * (the plugin keeps its cache in the database). Laid out like the database
 * one: tag -> digest per repository, and digest -> createdAt per registry,
 * so tags sharing a digest share its time.
 */
export class InMemoryImageMetadataCache implements ImageMetadataCache {
  private readonly digestsByRepository = new Map<string, Map<string, string>>();
  private readonly createdAtByDigest = new Map<string, string>();

  async getTags(
    host: string,
    repository: string,
    tags: string[],
  ): Promise<Map<string, TagMetadata>> {
    const found = new Map<string, TagMetadata>();
    const digests = this.digestsByRepository.get(`${host}/${repository}`);
    if (!digests) {
      return found;
    }
    for (const tag of tags) {
      const digest = digests.get(tag);
      if (digest !== undefined) {
        const createdAt = this.createdAtByDigest.get(`${host}@${digest}`);
        found.set(
          tag,
          createdAt === undefined ? { digest } : { digest, createdAt },
        );
      }
    }
    return found;
  }

  async putTags(
    host: string,
    repository: string,
    entries: Map<string, TagMetadata>,
  ): Promise<void> {
    const key = `${host}/${repository}`;
    let digests = this.digestsByRepository.get(key);
    if (!digests) {
      digests = new Map();
      this.digestsByRepository.set(key, digests);
    }
    for (const [tag, { digest, createdAt }] of entries) {
      digests.set(tag, digest);
      if (createdAt !== undefined) {
        this.createdAtByDigest.set(`${host}@${digest}`, createdAt);
      }
    }
  }

  /** Forgets the image's tags not in `listed`, as the database cache does. */
  async retainTags(
    host: string,
    repository: string,
    listed: string[],
  ): Promise<void> {
    this.retainCalls++;
    const digests = this.digestsByRepository.get(`${host}/${repository}`);
    const keep = new Set(listed);
    for (const tag of [...(digests?.keys() ?? [])]) {
      if (!keep.has(tag)) digests!.delete(tag);
    }
  }

  /** How often retainTags was called, for tests. */
  retainCalls = 0;
}

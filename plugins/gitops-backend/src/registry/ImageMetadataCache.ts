/** What a scan learned about one tag. */
export type TagMetadata = {
  /** Digest of the manifest (or manifest list / index) the tag points at. */
  digest: string;
  /** ISO time the image was built (`created` in its config), when it says. */
  createdAt?: string;
};

/**
 * Persistent cache of tag metadata, so an unchanged image costs only its
 * tag listing. Tag -> digest is kept per (host, repository, tag); a digest's
 * createdAt never changes, so it is kept for good.
 */
export interface ImageMetadataCache {
  /** The cached entries among `tags`; tags never stored are absent from the map. */
  getTags(
    host: string,
    repository: string,
    tags: string[],
  ): Promise<Map<string, TagMetadata>>;
  putTags(
    host: string,
    repository: string,
    entries: Map<string, TagMetadata>,
  ): Promise<void>;
  /**
   * The registry lists exactly `listed` for the image now: the cache may
   * forget its other tags, and notes the image as still in use (caches that
   * prune images nobody scans any more need to know).
   */
  retainTags?(
    host: string,
    repository: string,
    listed: string[],
  ): Promise<void>;
}

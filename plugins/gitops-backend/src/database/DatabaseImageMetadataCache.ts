import { Knex } from 'knex';
import { ImageMetadataCache, TagMetadata } from '../registry';
import { queryBatches } from './queryBatches';

type TagRow = {
  host: string;
  repository: string;
  tag: string;
  digest: string;
  created_at: string | null;
};

/**
 * Tag metadata on the plugin's database, so a restart does not re-read
 * every manifest: tag -> digest per image, and the creation time of each
 * digest, which never changes.
 */
export class DatabaseImageMetadataCache implements ImageMetadataCache {
  constructor(private readonly db: Knex) {}

  async getTags(
    host: string,
    repository: string,
    tags: string[],
  ): Promise<Map<string, TagMetadata>> {
    const found = new Map<string, TagMetadata>();
    for (const batch of queryBatches(tags)) {
      const rows = await this.db<TagRow>('gitops_image_tags')
        .where({ host, repository })
        .whereIn('tag', batch);
      for (const row of rows) {
        found.set(row.tag, {
          digest: row.digest,
          createdAt: row.created_at ?? undefined,
        });
      }
    }
    return found;
  }

  async putTags(
    host: string,
    repository: string,
    entries: Map<string, TagMetadata>,
  ): Promise<void> {
    const rows = [...entries].map(([tag, meta]) => ({
      host,
      repository,
      tag,
      digest: meta.digest,
      created_at: meta.createdAt ?? null,
    }));
    for (const batch of queryBatches(rows)) {
      await this.db('gitops_image_tags')
        .insert(batch)
        .onConflict(['host', 'repository', 'tag'])
        .merge(['digest', 'created_at']);
    }
  }
}

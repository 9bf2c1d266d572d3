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

/** Images no scan listed for this long lose their tag metadata. */
const DEFAULT_UNSEEN_MS = 7 * 24 * 60 * 60 * 1000;
/** How often, at most, the unseen images are pruned. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Tag metadata on the plugin's database, so a restart does not re-read
 * every manifest: tag -> digest per image, and the creation time of each
 * digest, which never changes. Bounded: tags a registry no longer lists are
 * dropped when a scan says so, and images no scan listed for a week (no
 * release uses them any more) are dropped whole.
 */
export class DatabaseImageMetadataCache implements ImageMetadataCache {
  private readonly unseenMs: number;
  private readonly clock: () => Date;
  // The first prune waits a full interval, so every image in use has been
  // scanned (and marked seen) since startup, rows from before the seen_at
  // column included.
  private lastPruneAt: number;

  constructor(
    private readonly db: Knex,
    options: { unseenMs?: number; clock?: () => Date } = {},
  ) {
    this.unseenMs = options.unseenMs ?? DEFAULT_UNSEEN_MS;
    this.clock = options.clock ?? (() => new Date());
    this.lastPruneAt = this.clock().getTime();
  }

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
    const seenAt = this.clock();
    const rows = [...entries].map(([tag, meta]) => ({
      host,
      repository,
      tag,
      digest: meta.digest,
      created_at: meta.createdAt ?? null,
      seen_at: seenAt,
    }));
    for (const batch of queryBatches(rows)) {
      await this.db('gitops_image_tags')
        .insert(batch)
        .onConflict(['host', 'repository', 'tag'])
        .merge(['digest', 'created_at', 'seen_at']);
    }
  }

  async retainTags(
    host: string,
    repository: string,
    listed: string[],
  ): Promise<void> {
    const keep = new Set(listed);
    const stored: string[] = await this.db('gitops_image_tags')
      .where({ host, repository })
      .pluck('tag');
    const gone = stored.filter(tag => !keep.has(tag));
    for (const batch of queryBatches(gone)) {
      await this.db('gitops_image_tags')
        .where({ host, repository })
        .whereIn('tag', batch)
        .delete();
    }
    if (gone.length < stored.length) {
      await this.db('gitops_image_tags')
        .where({ host, repository })
        .update({ seen_at: this.clock() });
    }
    await this.pruneUnseen();
  }

  /** Drops the metadata of images no scan listed within `unseenMs`; at most once an hour. */
  async pruneUnseen(force = false): Promise<number> {
    const now = this.clock().getTime();
    if (!force && now - this.lastPruneAt < PRUNE_EVERY_MS) return 0;
    this.lastPruneAt = now;
    return await this.db('gitops_image_tags')
      .where('seen_at', '<', new Date(now - this.unseenMs))
      .orWhereNull('seen_at')
      .delete();
  }
}

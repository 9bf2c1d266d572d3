import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ExpiringCache } from './ExpiringCache';
import { principalKey } from './ReadDecisions';

/** What a read needs of an entity: who it is and the annotations that select releases. */
export type EntitySelection = Pick<Entity, 'apiVersion' | 'kind'> & {
  metadata: Pick<Entity['metadata'], 'name' | 'namespace' | 'annotations'>;
};

/** A missing entity is asked for again soon: it may just have been registered. */
const MISSING_TTL_MS = 2000;

/**
 * Looks entities up in the catalog with the caller's own credentials, so
 * catalog permissions apply, keeping what the match needs per (caller,
 * entity) for `cacheSeconds` (0: asked on every request), bounded in
 * entries and bytes. An annotation edited in the catalog shows within that
 * time.
 */
export class EntityLookup {
  private readonly cache: ExpiringCache<EntitySelection | undefined>;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      cacheSeconds?: number;
      maxBytes?: number;
    },
  ) {
    this.cache = new ExpiringCache({
      ttlMs: (options.cacheSeconds ?? 10) * 1000,
      maxBytes: options.maxBytes ?? 16 * 1024 * 1024,
      ttlOf: entity => (entity ? Infinity : MISSING_TTL_MS),
      sizeOf: entity => (entity ? JSON.stringify(entity).length * 2 : 0),
    });
  }

  async get(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntitySelection | undefined> {
    const key = JSON.stringify([
      principalKey(credentials),
      entityRef.toLocaleLowerCase('en-US'),
    ]);
    return this.cache.get(key, async () => {
      const entity = await this.options.catalog.getEntityByRef(entityRef, {
        credentials,
      });
      if (!entity) return undefined;
      return {
        apiVersion: entity.apiVersion,
        kind: entity.kind,
        metadata: {
          name: entity.metadata.name,
          namespace: entity.metadata.namespace,
          annotations: entity.metadata.annotations ?? {},
        },
      };
    });
  }
}

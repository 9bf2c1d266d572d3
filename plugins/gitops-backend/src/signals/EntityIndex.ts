import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { GITOPS_ANNOTATIONS } from '@backstage-gitops/plugin-gitops-common';
import { ReleaseMatch } from '../database';
import { errorMessage } from '../kernel';
import { releaseMatchFor } from '../service/entityMatch';
import { ReleaseMatchFacts, releaseMatches } from './releaseMatches';

const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.annotations',
];
const PAGE_SIZE = 500;

type CatalogQuery = NonNullable<
  Extract<
    Parameters<CatalogService['queryEntities']>[0],
    { query?: unknown }
  >['query']
>;

/** Entities carrying any of the annotations that link an entity to releases. */
const GITOPS_ENTITIES: CatalogQuery = {
  $any: GITOPS_ANNOTATIONS.map(
    name =>
      ({ [`metadata.annotations.${name}`]: { $exists: true } } as CatalogQuery),
  ),
};

/** How the index is kept fresh, and how large it may grow. */
export type EntityIndexOptions = {
  /** Read again after this long, whatever happens. */
  maxAgeMs?: number;
  /**
   * A release no indexed entity claims may belong to an entity added since:
   * read again then, but not more often than this.
   */
  minAgeMs?: number;
  /** Entities read at most; a catalog larger than this is indexed in part. */
  maxEntities?: number;
  clock?: () => number;
};

type Indexed = { ref: string; match: ReleaseMatch };

/**
 * The catalog entities that carry a gitops annotation, each with the match
 * its annotations make (see `releaseMatchFor`), so a change is mapped to
 * the entities showing it in memory. Read with the plugin's own
 * credentials: which entity a signal is for is no secret, what the card
 * then reads is permission-checked.
 */
export class EntityIndex {
  private entities: Indexed[] = [];
  private readAt?: number;
  private reading?: Promise<void>;
  private readonly clock: () => number;
  private readonly maxAgeMs: number;
  private readonly minAgeMs: number;
  private readonly maxEntities: number;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    } & EntityIndexOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.minAgeMs = options.minAgeMs ?? 10_000;
    this.maxEntities = options.maxEntities ?? 20_000;
  }

  /** The refs of the entities that claim any of these releases. */
  async entitiesShowing(releases: ReleaseMatchFacts[]): Promise<Set<string>> {
    if (releases.length === 0) return new Set();
    if (this.readAt === undefined || this.age() >= this.maxAgeMs)
      await this.refresh();
    const first = this.match(releases);
    let refs = first.refs;
    if (first.unclaimed && this.age() >= this.minAgeMs) {
      await this.refresh();
      ({ refs } = this.match(releases));
    }
    return refs;
  }

  private age(): number {
    return this.clock() - (this.readAt ?? Number.NEGATIVE_INFINITY);
  }

  private match(releases: ReleaseMatchFacts[]) {
    const refs = new Set<string>();
    let unclaimed = false;
    for (const release of releases) {
      let claimed = false;
      for (const entity of this.entities) {
        if (releaseMatches(entity.match, release)) {
          refs.add(entity.ref);
          claimed = true;
        }
      }
      if (!claimed) unclaimed = true;
    }
    return { refs, unclaimed };
  }

  /** One read at a time; a failed read keeps the entities read before. */
  private refresh(): Promise<void> {
    if (!this.reading) {
      this.reading = this.read()
        .then(entities => {
          this.entities = entities;
        })
        .catch(error => {
          this.options.logger.warn(
            'Could not read the catalog for live card updates',
            {
              error: errorMessage(error),
            },
          );
        })
        .finally(() => {
          // Also after a failure: the catalog is not asked again at once.
          this.readAt = this.clock();
          this.reading = undefined;
        });
    }
    return this.reading;
  }

  private async read(): Promise<Indexed[]> {
    const { catalog, auth, logger } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const indexed: Indexed[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE_SIZE, fields: FIELDS }
          : {
              query: GITOPS_ENTITIES,
              limit: PAGE_SIZE,
              fields: FIELDS,
              totalItems: 'exclude',
            },
        { credentials },
      );
      for (const entity of page.items) {
        const match = matchOf(entity);
        if (match) indexed.push({ ref: stringifyEntityRef(entity), match });
      }
      cursor = page.items.length > 0 ? page.pageInfo.nextCursor : undefined;
      if (indexed.length >= this.maxEntities && cursor) {
        logger.warn('Live card updates index only part of the catalog', {
          entities: indexed.length,
        });
        break;
      }
    } while (cursor);
    return indexed;
  }
}

/** Entities whose annotations do not parse claim no release, as on their page. */
function matchOf(entity: Entity): ReleaseMatch | undefined {
  try {
    const match = releaseMatchFor(entity);
    const claimsAny =
      match.chartNames.length > 0 ||
      match.imageRepositories.length > 0 ||
      match.labelSelectors.length > 0;
    return claimsAny ? match : undefined;
  } catch {
    return undefined;
  }
}

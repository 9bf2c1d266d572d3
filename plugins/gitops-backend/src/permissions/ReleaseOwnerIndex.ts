import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ReleaseOwnersRecord, ReleaseOwnerStore } from '../database';
import {
  entitiesByRef,
  ownersOf,
  releaseEntityLink,
  soleClaimants,
} from './releaseResources';

/** Releases read, and resolved, per round: one catalog batch each. */
const PAGE_SIZE = 500;

/**
 * Keeps the owners table current, so that an owner condition of a read
 * permission becomes a query: the `gitops-release-owners` task runs it.
 *
 * Each run resolves the releases written since the last run (a sync that
 * changes a release writes it anew, with a higher row id); every
 * `fullRefreshMs` it resolves them all, for ownership that changed on the
 * catalog side (a new `spec.owner`, an entity claiming a kubernetes-id).
 * Links come from the release only, as the permission rules say (see
 * `releaseEntityLink`), and the catalog is asked with the plugin's own
 * credentials: a claim counts even where the caller cannot see it.
 *
 * Staleness: a changed release keeps the owners it had under the same key
 * until the next run (the task is triggered after each sync that changed
 * releases); catalog-side changes show within `fullRefreshMs` plus a run.
 */
export class ReleaseOwnerIndex {
  private resolvedThrough = 0;
  private lastFullAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: {
      store: ReleaseOwnerStore;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      /** How often every link is resolved again. */
      fullRefreshMs: number;
      now?: () => number;
    },
  ) {}

  /** Resolves the new releases, or all of them when a full refresh is due. */
  async run(): Promise<{ full: boolean; releases: number }> {
    const { store, logger } = this.options;
    const now = (this.options.now ?? Date.now)();
    const full = now - this.lastFullAt >= this.options.fullRefreshMs;
    const credentials = await this.options.auth.getOwnServiceCredentials();
    // Within one run an entity is asked for once, whatever the page.
    const byRef = new Map<string, Entity | undefined>();
    const byKubernetesId = new Map<string, Entity | undefined>();
    let after = full ? 0 : this.resolvedThrough;
    let releases = 0;
    for (;;) {
      const page = await store.releasesAfter(after, PAGE_SIZE);
      if (page.length === 0) break;
      const links = page.map(release => releaseEntityLink(release));
      const refs = new Set<string>();
      const ids = new Set<string>();
      for (const link of links) {
        if (link && 'entityRef' in link && !byRef.has(link.entityRef))
          refs.add(link.entityRef);
        if (
          link &&
          'kubernetesId' in link &&
          !byKubernetesId.has(link.kubernetesId)
        ) {
          ids.add(link.kubernetesId);
        }
      }
      const { catalog } = this.options;
      const [named, claimed] = await Promise.all([
        entitiesByRef(catalog, [...refs], credentials),
        soleClaimants(catalog, [...ids], credentials),
      ]);
      refs.forEach(ref => byRef.set(ref, named.get(ref)));
      ids.forEach(id => byKubernetesId.set(id, claimed.get(id)));
      const owners: ReleaseOwnersRecord[] = [];
      page.forEach((release, index) => {
        const link = links[index];
        let entity;
        if (link) {
          entity =
            'entityRef' in link
              ? byRef.get(link.entityRef)
              : byKubernetesId.get(link.kubernetesId);
        }
        if (!entity) return;
        owners.push({
          environment: release.environment,
          namespace: release.namespace,
          name: release.name,
          entityRef: stringifyEntityRef(entity),
          owners: ownersOf(entity),
        });
      });
      await store.replaceOwners(page, owners);
      after = page[page.length - 1].id;
      releases += page.length;
    }
    this.resolvedThrough = Math.max(this.resolvedThrough, after);
    if (full) {
      this.lastFullAt = now;
      const forgotten = await store.forgetRemovedReleases();
      logger.info('Resolved the owners of every release', {
        releases,
        forgotten,
      });
    } else if (releases > 0) {
      logger.debug('Resolved the owners of new releases', { releases });
    }
    return { full, releases };
  }
}

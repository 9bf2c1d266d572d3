import { GitopsReleaseKey } from '@backstage-gitops/plugin-gitops-common';
import { Knex } from 'knex';
import { queryBatches } from './queryBatches';
import { ReleaseRow } from './releaseRows';
import {
  ReleaseLinkSource,
  ReleaseOwnersRecord,
  ReleaseOwnerStore,
} from './ReleaseOwnerStore';

/** A row of `gitops_release_owners`. */
type ReleaseOwnerRow = GitopsReleaseKey & {
  entity_ref: string;
  owner: string;
  resolved_at: Date | string;
};

/** The column's width: a longer ref is no owner anyone can claim. */
const MAX_OWNER_LENGTH = 512;

/** The knex implementation of {@link ReleaseOwnerStore}, for SQLite and PostgreSQL. */
export class DatabaseReleaseOwnerStore implements ReleaseOwnerStore {
  constructor(private readonly db: Knex) {}

  async releasesAfter(
    afterId: number,
    limit: number,
  ): Promise<ReleaseLinkSource[]> {
    const rows: Array<
      Pick<
        ReleaseRow,
        'id' | 'environment' | 'namespace' | 'name' | 'annotations' | 'labels'
      >
    > = await this.db<ReleaseRow>('gitops_releases')
      .select('id', 'environment', 'namespace', 'name', 'annotations', 'labels')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    return rows.map(row => ({
      id: row.id,
      environment: row.environment,
      namespace: row.namespace,
      name: row.name,
      annotations: JSON.parse(row.annotations),
      labels: JSON.parse(row.labels),
    }));
  }

  async replaceOwners(
    releases: GitopsReleaseKey[],
    owners: ReleaseOwnersRecord[],
  ): Promise<void> {
    const rows: ReleaseOwnerRow[] = [];
    const resolvedAt = new Date();
    for (const record of owners) {
      const lowered = new Set(
        record.owners
          .map(owner => owner.toLocaleLowerCase('en-US'))
          .filter(owner => owner.length <= MAX_OWNER_LENGTH),
      );
      for (const owner of lowered) {
        rows.push({
          environment: record.environment,
          namespace: record.namespace,
          name: record.name,
          entity_ref: record.entityRef,
          owner,
          resolved_at: resolvedAt,
        });
      }
    }
    await this.db.transaction(async tx => {
      // Keys are deleted per environment, by name: two columns of one index.
      const byEnvironment = new Map<string, GitopsReleaseKey[]>();
      for (const key of releases) {
        byEnvironment.set(key.environment, [
          ...(byEnvironment.get(key.environment) ?? []),
          key,
        ]);
      }
      for (const [environment, keys] of byEnvironment) {
        for (const part of queryBatches(keys)) {
          await tx<ReleaseOwnerRow>('gitops_release_owners')
            .where({ environment })
            .whereIn(
              ['namespace', 'name'],
              part.map(k => [k.namespace, k.name]),
            )
            .delete();
        }
      }
      for (const part of queryBatches(rows)) {
        await tx<ReleaseOwnerRow>('gitops_release_owners').insert(part);
      }
    });
  }

  async forgetRemovedReleases(): Promise<number> {
    const forgotten = await this.db<ReleaseOwnerRow>(
      'gitops_release_owners as o',
    )
      .whereNotExists(
        this.db('gitops_releases as r')
          .select(this.db.raw('1'))
          .whereRaw('r.environment = o.environment')
          .whereRaw('r.namespace = o.namespace')
          .whereRaw('r.name = o.name'),
      )
      .delete();
    // Called after every full refresh: the owner filter's plan needs
    // statistics that know the table, which a first refresh just filled.
    if (this.db.client.config.client === 'pg') {
      await this.db.raw('ANALYZE gitops_release_owners');
    }
    return forgotten;
  }
}

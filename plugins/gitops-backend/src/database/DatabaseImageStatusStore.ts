import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import {
  GitopsImageAutomation,
  GitopsImageStatus,
  GitopsReleaseKey,
  stringifyGitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';
import { ImageStatusRecord, ImageStatusStore } from './ImageStatusStore';
import { migratedClient } from './migrations';
import { queryBatches } from './queryBatches';
import { releaseKeyColumns } from './rowMapping';

type ImageStatusRow = {
  repository_id: string;
  environment: string;
  namespace: string;
  name: string;
  container: string;
  latest_tag: string | null;
  latest_created_at: string | null;
  reason: string | null;
  error: string | null;
  checked_at: Date | string;
  image_policy: string | null;
  policy: string | null;
  automation: string | null;
  problem: string | null;
};

const AUTOMATION_PARTIES: ReadonlyArray<GitopsImageAutomation> = [
  'backstage',
  'flux',
  'off',
];

/** A stored party this version does not know (a newer replica's) is left out. */
const automationOf = (value: string | null) =>
  AUTOMATION_PARTIES.find(party => party === value);

/** The status as a row's columns; absent fields are null. */
function statusColumns(status: GitopsImageStatus) {
  return {
    latest_tag: status.latestTag ?? null,
    latest_created_at: status.latestCreatedAt ?? null,
    reason: status.reason ?? null,
    error: status.error ?? null,
    checked_at: new Date(status.checkedAt),
    image_policy: status.imagePolicy ?? null,
    policy: status.policy ?? null,
    automation: status.automation ?? null,
    problem: status.problem ?? null,
  };
}

// The key has exactly two slashes, so whatever the container is named, it
// cannot make two images one.
const imageKeyOf = (key: GitopsReleaseKey, container: string) =>
  `${stringifyGitopsReleaseKey(key)}/${container}`;

/**
 * The image statuses of these releases, for whoever reads releases: look one
 * up by release key and container.
 */
export async function readImageStatuses(
  db: Knex,
  releases: GitopsReleaseKey[],
): Promise<
  (key: GitopsReleaseKey, container: string) => GitopsImageStatus | undefined
> {
  const statuses = new Map<string, GitopsImageStatus>();
  const keys = releases.map(r => [r.environment, r.namespace, r.name]);
  for (const part of queryBatches(keys)) {
    const rows = await db<ImageStatusRow>('gitops_image_status').whereIn(
      releaseKeyColumns,
      part,
    );
    for (const row of rows) {
      const automation = automationOf(row.automation);
      statuses.set(imageKeyOf(row, row.container), {
        latestTag: row.latest_tag ?? undefined,
        latestCreatedAt: row.latest_created_at ?? undefined,
        reason: row.reason ?? undefined,
        error: row.error ?? undefined,
        checkedAt: new Date(row.checked_at).toISOString(),
        ...(row.image_policy ? { imagePolicy: row.image_policy } : {}),
        ...(row.policy ? { policy: row.policy } : {}),
        ...(automation ? { automation } : {}),
        ...(row.problem ? { problem: row.problem } : {}),
      });
    }
  }
  return (key, container) => statuses.get(imageKeyOf(key, container));
}

/** The knex implementation of {@link ImageStatusStore}, for SQLite and PostgreSQL. */
export class DatabaseImageStatusStore implements ImageStatusStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseImageStatusStore> {
    return new DatabaseImageStatusStore(await migratedClient(options.database));
  }

  constructor(private readonly db: Knex) {}

  imageStatusesOf(
    releases: GitopsReleaseKey[],
  ): Promise<
    (key: GitopsReleaseKey, container: string) => GitopsImageStatus | undefined
  > {
    return readImageStatuses(this.db, releases);
  }

  async recordImageStatuses(statuses: ImageStatusRecord[]): Promise<void> {
    if (statuses.length === 0) return;
    await this.db.transaction(async tx => {
      for (const part of queryBatches(statuses)) {
        await tx('gitops_image_status')
          .insert(
            part.map(
              (s): ImageStatusRow => ({
                repository_id: s.repositoryId,
                environment: s.environment,
                namespace: s.namespace,
                name: s.name,
                container: s.container,
                ...statusColumns(s.status),
              }),
            ),
          )
          .onConflict([...releaseKeyColumns, 'container'])
          .merge();
      }
    });
  }
}

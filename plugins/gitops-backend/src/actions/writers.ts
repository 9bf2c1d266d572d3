import { NotFoundError } from '@backstage/errors';
import { ReleaseRecord, SyncStateStore } from '../database';
import { RepositoryWriter } from './RepositoryWriter';
import { GitopsReleaseKey } from '@backstage-gitops/plugin-gitops-common';

/** The writer of a configured repository; throws `NotFoundError` for one not configured. */
export type WriterFor = (repositoryId: string) => RepositoryWriter;

export async function requireRelease(
  syncStateStore: Pick<SyncStateStore, 'getRelease'>,
  key: GitopsReleaseKey,
): Promise<ReleaseRecord> {
  const release = await syncStateStore.getRelease(key);
  if (!release) {
    throw new NotFoundError(
      `No release ${key.namespace}/${key.name} in environment ${key.environment}`,
    );
  }
  return release;
}

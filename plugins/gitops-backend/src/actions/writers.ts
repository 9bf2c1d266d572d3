import { NotFoundError } from '@backstage/errors';
import { ReleaseKey } from '../database/ReleaseKey';
import { ReleaseRecord, SyncStateStore } from '../database/SyncStateStore';
import { RepositoryWriter } from './RepositoryWriter';

/** The writer of a configured repository; throws `NotFoundError` for one not configured. */
export type WriterFor = (repositoryId: string) => RepositoryWriter;

export async function requireRelease(
  syncStateStore: Pick<SyncStateStore, 'getRelease'>,
  key: ReleaseKey,
): Promise<ReleaseRecord> {
  const release = await syncStateStore.getRelease(key);
  if (!release) {
    throw new NotFoundError(
      `No release ${key.namespace}/${key.name} in environment ${key.environment}`,
    );
  }
  return release;
}

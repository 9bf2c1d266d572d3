import { NotFoundError } from '@backstage/errors';
import { EventStore, ReleaseRecord, SyncStateStore } from '../database';
import { RepositoryWriter } from './RepositoryWriter';
import { GitopsReleaseKey } from '@backstage-gitops/plugin-gitops-common';

/** The writer of a configured repository; throws `NotFoundError` for one not configured. */
export type WriterFor = (repositoryId: string) => RepositoryWriter;

/** What an action that commits to a release's file needs: its record, its events, its writer. */
export type ReleaseActionOptions = {
  syncStateStore: SyncStateStore;
  eventStore: EventStore;
  writers: WriterFor;
  /** When the action's event happened; the wall clock unless a test sets it. */
  clock?: () => Date;
};

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

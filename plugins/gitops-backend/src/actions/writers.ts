import { NotFoundError } from '@backstage/errors';
import {
  GitopsStore,
  ReleaseKey,
  ReleaseRecord,
} from '../database/GitopsStore';
import { RepositoryWriter } from './RepositoryWriter';

/** The writer of a configured repository; throws `NotFoundError` for one not configured. */
export type WriterFor = (repositoryId: string) => RepositoryWriter;

export async function requireRelease(
  store: GitopsStore,
  key: ReleaseKey,
): Promise<ReleaseRecord> {
  const release = await store.getRelease(key);
  if (!release) {
    throw new NotFoundError(
      `No release ${key.namespace}/${key.name} in environment ${key.environment}`,
    );
  }
  return release;
}

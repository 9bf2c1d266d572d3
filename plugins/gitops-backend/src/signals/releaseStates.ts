import {
  GitopsReleaseKey,
  stringifyGitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';
import { ReleaseRecord, SyncStateStore } from '../database';

/** Up to this many releases are read one by one; more, by environment. */
const READ_ONE_BY_ONE = 20;

/** The stored records of these releases, those that are stored. */
export async function storedReleases(
  store: Pick<SyncStateStore, 'getRelease' | 'releasesOfEnvironments'>,
  keys: GitopsReleaseKey[],
): Promise<ReleaseRecord[]> {
  if (keys.length === 0) return [];
  if (keys.length <= READ_ONE_BY_ONE) {
    const records = await Promise.all(keys.map(key => store.getRelease(key)));
    return records.flatMap(r => (r ? [r] : []));
  }
  const wanted = new Set(keys.map(stringifyGitopsReleaseKey));
  const records = await store.releasesOfEnvironments([
    ...new Set(keys.map(k => k.environment)),
  ]);
  return records.filter(r => wanted.has(stringifyGitopsReleaseKey(r)));
}

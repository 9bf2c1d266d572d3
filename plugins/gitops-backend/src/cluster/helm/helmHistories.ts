import { HelmRevision } from './types';

/** The key helmHistories groups by: Helm release names are per namespace. */
export function helmReleaseKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * Groups revisions into one history per release (`namespace/name`), oldest
 * first, as `helm history` prints them. A revision listed twice (overlapping
 * list pages) is kept once: Helm stores each revision in exactly one Secret.
 */
export function helmHistories(
  revisions: HelmRevision[],
): Map<string, HelmRevision[]> {
  const byRelease = new Map<string, Map<number, HelmRevision>>();
  for (const revision of revisions) {
    const key = helmReleaseKey(revision.namespace, revision.name);
    let history = byRelease.get(key);
    if (!history) {
      history = new Map();
      byRelease.set(key, history);
    }
    history.set(revision.revision, revision);
  }
  const result = new Map<string, HelmRevision[]>();
  for (const [key, history] of byRelease) {
    result.set(
      key,
      [...history.values()].sort((a, b) => a.revision - b.revision),
    );
  }
  return result;
}

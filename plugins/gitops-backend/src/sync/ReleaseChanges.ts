import { NewEvent, ReleaseRecord } from '../database';
import { stringifyGitopsReleaseKey } from '@backstage-gitops/plugin-gitops-common';

/** What makes two stored releases the same release, ignoring bookkeeping. */
function contentOf(r: ReleaseRecord): string {
  return JSON.stringify([
    r.releaseName,
    r.apiVersion,
    r.chart,
    r.chartVersion ?? null,
    r.chartRevision ?? null,
    r.labels,
    r.annotations,
    r.sourcePath,
    r.spec,
    // Registry status is automation's, not git's.
    r.images.map(({ status: _status, ...image }) => image),
  ]);
}

const tagsOf = (r: ReleaseRecord) =>
  Object.fromEntries(r.images.map(i => [i.container, i.tag]));

export type CommitContext = {
  repositoryId: string;
  commit: string;
  author: string;
  message: string;
  /** Who asked, for a commit made from Backstage (its `Requested-by:` trailer). */
  actor?: string;
  at: Date;
};

/**
 * Compares the releases a sync replaces with those it stores: unchanged
 * releases keep the commit and time that last changed them, and each
 * difference becomes an event.
 */
export function diffReleases(
  before: ReleaseRecord[],
  after: ReleaseRecord[],
  context: CommitContext,
): { releases: ReleaseRecord[]; events: NewEvent[] } {
  const old = new Map(before.map(r => [stringifyGitopsReleaseKey(r), r]));
  const events: NewEvent[] = [];
  const base = {
    repository: context.repositoryId,
    commit: context.commit,
    author: context.author,
    message: context.message,
    ...(context.actor ? { actor: context.actor } : {}),
    at: context.at,
  };
  const releases = after.map(release => {
    const previous = old.get(stringifyGitopsReleaseKey(release));
    old.delete(stringifyGitopsReleaseKey(release));
    const who = {
      environment: release.environment,
      namespace: release.namespace,
      name: release.name,
    };
    if (!previous) {
      events.push({
        ...base,
        ...who,
        type: 'release-added',
        details: { tags: tagsOf(release), chartVersion: release.chartVersion },
      });
      return release;
    }
    if (contentOf(previous) === contentOf(release)) {
      return {
        ...release,
        commit: previous.commit,
        updatedAt: previous.updatedAt,
      };
    }
    events.push({
      ...base,
      ...who,
      type: 'release-updated',
      details: {
        from: { tags: tagsOf(previous), chartVersion: previous.chartVersion },
        to: { tags: tagsOf(release), chartVersion: release.chartVersion },
      },
    });
    return release;
  });
  for (const removed of old.values()) {
    events.push({
      ...base,
      environment: removed.environment,
      namespace: removed.namespace,
      name: removed.name,
      type: 'release-removed',
      details: { tags: tagsOf(removed), sourcePath: removed.sourcePath },
    });
  }
  return { releases, events };
}

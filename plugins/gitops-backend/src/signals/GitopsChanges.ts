import { GitopsReleaseKey } from '@backstage-gitops/plugin-gitops-common';
import { ReleaseMatchFacts } from './releaseMatches';

/** A release state a loop already holds, so nothing reads it again. */
export type KnownReleaseState = GitopsReleaseKey & ReleaseMatchFacts;

/**
 * The in-process feed of what the loops really changed. Reporting never
 * blocks or fails the loop: whoever listens batches the reports.
 */
export interface GitopsChanges {
  /**
   * Releases whose git record, cluster status, Helm history, image status or
   * chart status changed. `known` are states of them at hand (before and
   * after a git change, as either may decide which entities show it); the
   * current record is read for the others.
   */
  releasesChanged(keys: GitopsReleaseKey[], known?: KnownReleaseState[]): void;
  /**
   * Environments that were added or removed, whose repository moved to a
   * new commit, whose Flux status or apply problems changed, or whose
   * cluster failed or recovered.
   */
  environmentsChanged(names: string[]): void;
}

/** Where nothing listens. */
export const ignoredGitopsChanges: GitopsChanges = {
  releasesChanged: () => undefined,
  environmentsChanged: () => undefined,
};

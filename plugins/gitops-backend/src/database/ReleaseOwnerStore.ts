import { GitopsReleaseKey } from '@backstage-gitops/plugin-gitops-common';

/** What a release says about the entity it belongs to, with its row id. */
export type ReleaseLinkSource = GitopsReleaseKey & {
  /** Grows with every write of a release: a re-written release gets a new one. */
  id: number;
  annotations: Record<string, string>;
  labels: Record<string, string>;
};

/** The entity a release links to and that entity's owners (full refs). */
export type ReleaseOwnersRecord = GitopsReleaseKey & {
  entityRef: string;
  owners: string[];
};

/**
 * The owners of the entity each release links to, as the
 * `gitops-release-owners` task last resolved them through the catalog, so
 * that owner conditions of permission decisions become a query.
 */
export interface ReleaseOwnerStore {
  /** Stored releases with an id above `afterId`, in id order, at most `limit`. */
  releasesAfter(afterId: number, limit: number): Promise<ReleaseLinkSource[]>;
  /**
   * Replaces what is known of these releases' owners by `owners` (releases
   * of `releases` missing from it link to no entity with owners).
   */
  replaceOwners(
    releases: GitopsReleaseKey[],
    owners: ReleaseOwnersRecord[],
  ): Promise<void>;
  /** Forgets the owners of releases no longer stored; answers how many rows went. */
  forgetRemovedReleases(): Promise<number>;
}

import {
  GitopsImageStatus,
  GitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';

/** What image automation learned of one release image. */
export type ImageStatusRecord = GitopsReleaseKey & {
  repositoryId: string;
  container: string;
  status: GitopsImageStatus;
};

/**
 * The newest tag image automation found for each release image, and why it
 * did or did not move to it. Releases read from the sync-state store carry
 * these statuses on their images.
 */
export interface ImageStatusStore {
  /** Replaces the status of these release images. */
  recordImageStatuses(statuses: ImageStatusRecord[]): Promise<void>;
  /** The stored status of the images of these releases, looked up by release key and container. */
  imageStatusesOf(
    releases: GitopsReleaseKey[],
  ): Promise<
    (key: GitopsReleaseKey, container: string) => GitopsImageStatus | undefined
  >;
}

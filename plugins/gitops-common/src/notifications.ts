/**
 * The topics of the notifications the gitops backend sends to the owners of
 * an entity about its releases. The notifications backend keeps a setting
 * per topic, so a user may mute one kind (image updates, say) and keep the
 * others.
 *
 * @public
 */
export const GITOPS_NOTIFICATION_TOPICS = {
  /** Someone promoted a release from the environment before it. */
  promotion: 'gitops.promotion',
  /** Someone locked or unlocked a release against image automation. */
  lock: 'gitops.lock',
  /** Image automation committed a new tag. */
  imageUpdate: 'gitops.image-update',
  /** A release turned Failed, Drifted or Missing in its cluster. */
  releaseState: 'gitops.release-state',
} as const;

/**
 * One of {@link GITOPS_NOTIFICATION_TOPICS}.
 *
 * @public
 */
export type GitopsNotificationTopic =
  (typeof GITOPS_NOTIFICATION_TOPICS)[keyof typeof GITOPS_NOTIFICATION_TOPICS];

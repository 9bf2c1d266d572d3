import {
  GitopsImageAutomation,
  GitopsRelease,
} from '@backstage-gitops/plugin-gitops-common';

/**
 * Who commits a release's image moves, as image automation last reported
 * on its images: this plugin (as before per-repository settings existed)
 * until a report says otherwise.
 */
export function automationPartyOf(
  release: GitopsRelease,
): GitopsImageAutomation {
  return (
    release.images.find(image => image.status?.automation)?.status
      ?.automation ?? 'backstage'
  );
}

/**
 * Whether locks mean anything for the release: only this plugin's image
 * automation honours `fluxcd.io/locked`. Flux's image-automation-controller
 * ignores it, and with automation off there is nothing to hold, so the
 * cards neither show a lock there (even one written in the file) nor offer
 * to lock or unlock.
 */
export const locksApply = (release: GitopsRelease) =>
  automationPartyOf(release) === 'backstage';

/** Whether the card shows the release as locked. */
export const shownLocked = (release: GitopsRelease) =>
  release.locked && locksApply(release);

/**
 * Whether the card offers to lock the release: this plugin automates it,
 * by Flux v1's annotations or by a setter marker whose ImagePolicy it read
 * (no Flux v1 annotation needed).
 */
export const offersLock = (release: GitopsRelease) =>
  locksApply(release) &&
  (release.automated ||
    release.images.some(
      image => image.status?.imagePolicy && !image.status.problem,
    ));

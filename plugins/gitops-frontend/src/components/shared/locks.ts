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

import { InputError } from '@backstage/errors';
import { ImageAutomationParty } from '../config';
import { ReleaseRecord, SyncStateStore } from '../database';
import { isUnderUpdatePath } from '../manifests';

/** The repository's config leaves it unset only when built by hand: this plugin, as before. */
export const partyOf = (repository: { automation?: ImageAutomationParty }) =>
  repository.automation ?? 'backstage';

const normalizedPath = (path: string) =>
  path.replace(/^\.\//, '').replace(/^\.$/, '').replace(/\/+$/, '');

/**
 * The ImageUpdateAutomations of the repository whose `update.path` holds
 * the file, as `namespace/name`: what Flux would have to suspend.
 */
async function automationsWriting(
  syncStateStore: Pick<SyncStateStore, 'listFluxObjects'>,
  release: ReleaseRecord,
  file: string,
): Promise<string[]> {
  const objects = await syncStateStore.listFluxObjects(release.repository, [
    'ImageUpdateAutomation',
  ]);
  return [
    ...new Set(
      objects
        .filter(object => {
          const update = object.spec.update as { path?: unknown } | undefined;
          const path = typeof update?.path === 'string' ? update.path : '';
          return isUnderUpdatePath(normalizedPath(path), file);
        })
        .map(object => `${object.namespace}/${object.name}`),
    ),
  ].sort();
}

/**
 * Why a lock (or a promotion that must lock) cannot hold the release under
 * Flux's own image automation: image-automation-controller does not read
 * `fluxcd.io/locked`, so it would go on writing the policy's tag. Flux's
 * only way to hold it is to suspend the ImageUpdateAutomation, which stops
 * every update that automation makes, not this release's alone.
 */
export async function fluxIgnoresLocks(
  syncStateStore: Pick<SyncStateStore, 'listFluxObjects'>,
  release: ReleaseRecord,
  what: string,
): Promise<InputError> {
  const automations = await automationsWriting(
    syncStateStore,
    release,
    release.sourcePath,
  );
  const which =
    automations.length > 0
      ? `the ImageUpdateAutomation ${automations.join(', ')}`
      : 'its ImageUpdateAutomation';
  return new InputError(
    `${what} is refused: the images of ${release.repository} are automated by Flux's image-automation-controller, which ignores fluxcd.io/locked, so a lock would hold nothing. Flux's way is to suspend ${which} (flux suspend image update), which stops every image update it makes, not only ${release.name} in ${release.environment}'s.`,
  );
}

/**
 * Lock and unlock are for the party that honours the annotation: this
 * plugin's image automation. Under Flux's automation the annotation means
 * nothing (see `fluxIgnoresLocks`); with none there is nothing to lock
 * against, though an old lock may still be removed.
 */
export async function checkLockParty(
  syncStateStore: Pick<SyncStateStore, 'listFluxObjects'>,
  party: ImageAutomationParty,
  release: ReleaseRecord,
  verb: 'lock' | 'unlock',
): Promise<void> {
  const what = `${verb === 'lock' ? 'Locking' : 'Unlocking'} ${
    release.namespace
  }/${release.name} in ${release.environment}`;
  if (party === 'flux')
    throw await fluxIgnoresLocks(syncStateStore, release, what);
  if (party === 'off' && verb === 'lock') {
    throw new InputError(
      `${what} is refused: image automation is off for ${release.repository}, so there is nothing to lock against`,
    );
  }
}

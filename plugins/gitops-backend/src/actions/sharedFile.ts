import { InputError } from '@backstage/errors';
import { ReleaseRecord, ReleaseRecordImage, SyncStateStore } from '../database';

/** The file an image's value is written in: its own (a base under an overlay) or the release's. */
export const valueFileOf = (
  release: ReleaseRecord,
  image: ReleaseRecordImage,
) => image.file ?? release.sourcePath;

/** Whether a release's image value comes from `path`: an edit of that value there changes it. */
export const readsValueFrom = (path: string) => (release: ReleaseRecord) =>
  release.images.some(image => valueFileOf(release, image) === path);

/**
 * Whether a release's annotations come from `path`: its own file, or a base
 * its overlay builds it from (a lock written there locks it too, unless its
 * patch says otherwise).
 */
export const readsAnnotationsFrom =
  (path: string) => (release: ReleaseRecord) =>
    release.sourcePath === path || (release.builtFrom ?? []).includes(path);

/**
 * The other environments of the release's repository whose same-named
 * release reads what an edit of `path` changes, as the store last saw them:
 * in Flux v2's layout, the environments whose overlays share a base file.
 */
export async function otherEnvironmentsReading(
  syncStateStore: Pick<
    SyncStateStore,
    'listEnvironments' | 'releasesOfEnvironments'
  >,
  release: ReleaseRecord,
  reads: (other: ReleaseRecord) => boolean,
): Promise<string[]> {
  const others = (await syncStateStore.listEnvironments())
    .filter(
      env =>
        env.repository === release.repository &&
        env.name !== release.environment,
    )
    .map(env => env.name);
  if (others.length === 0) return [];
  const releases = await syncStateStore.releasesOfEnvironments(others);
  return [
    ...new Set(
      releases
        .filter(
          r =>
            r.repository === release.repository &&
            r.name === release.name &&
            reads(r),
        )
        .map(r => r.environment),
    ),
  ].sort();
}

/**
 * Refuses an edit of a file other environments read as well: it would
 * change them too, which nobody asked for. Changing several environments at
 * once would need an explicit option on the request; there is none yet.
 */
export async function refuseSharedFile(
  syncStateStore: Pick<
    SyncStateStore,
    'listEnvironments' | 'releasesOfEnvironments'
  >,
  release: ReleaseRecord,
  edit: {
    what: string;
    path: string;
    reads: (other: ReleaseRecord) => boolean;
  },
): Promise<void> {
  const others = await otherEnvironmentsReading(
    syncStateStore,
    release,
    edit.reads,
  );
  if (others.length === 0) return;
  const list = others.join(', ');
  throw new InputError(
    `${release.environment}'s ${edit.what} is written in ${
      edit.path
    }, which ${list} ${
      others.length === 1 ? 'reads' : 'read'
    } too: the change would also change ${list}. Refused: changing a file several environments share needs an explicit option, which this action does not offer yet; give ${
      release.environment
    } its own value in its overlay's patch first.`,
  );
}

import { InputError } from '@backstage/errors';
import {
  describeFluxPolicy,
  PolicyDefinition,
} from '@backstage-gitops/plugin-gitops-common';
import { ReleaseRecord, ReleaseRecordImage, SyncStateStore } from '../database';
import { readImagePolicy } from '../manifests';

/** A Flux v2 ImagePolicy as a promotion decides by it. */
export type MarkerPolicy = {
  /** In the policy's words, `semver:~6.5.0`. */
  policy: string;
  definition: PolicyDefinition;
};

/**
 * The ImagePolicy a setter marker names, as the repository defines it: the
 * one in the environment's `clusters/<env>/` folder when several files
 * define it differently. Undefined when the image has no marker, or its
 * policy is not in the repository (then nothing automates it and the tag
 * is written as it is); an ImagePolicy that does not read, or that several
 * files define differently, is an `InputError`: the promotion cannot tell
 * which tags it allows.
 */
export async function markerPolicyOf(
  syncStateStore: Pick<SyncStateStore, 'listFluxObjects'>,
  release: ReleaseRecord,
  image: ReleaseRecordImage | undefined,
): Promise<MarkerPolicy | undefined> {
  const ref = image?.imagePolicyRef;
  if (!ref) return undefined;
  const named = (
    await syncStateStore.listFluxObjects(release.repository, ['ImagePolicy'])
  ).filter(o => o.namespace === ref.namespace && o.name === ref.name);
  const specs = (list: typeof named) =>
    new Set(list.map(o => JSON.stringify(o.spec))).size;
  let chosen = named;
  if (specs(named) > 1) {
    chosen = named.filter(o =>
      o.path.startsWith(`clusters/${release.environment}/`),
    );
    if (chosen.length === 0 || specs(chosen) > 1) {
      throw new InputError(
        `The ImagePolicy ${ref.namespace}/${ref.name} of ${
          release.environment
        } is ambiguous: ${named
          .map(o => o.path)
          .join(', ')} define it differently`,
      );
    }
  }
  if (chosen.length === 0) return undefined;
  const reading = readImagePolicy(chosen[0]);
  if (!reading.ok) {
    throw new InputError(
      `The image policy of ${release.environment} (${chosen[0].path}) is invalid: ${reading.error}`,
    );
  }
  const { definition } = reading.value;
  return { policy: describeFluxPolicy(definition), definition };
}

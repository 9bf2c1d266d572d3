import {
  PolicyDefinition,
  isDowngrade,
  policyAllows,
  selectLatestTag,
} from '@backstage-gitops/plugin-gitops-common';
import { ImageRef, TagDigests } from './RegistryTagDigests';

/** Tags asked for one by one at most, for one promotion. */
export const MAX_FRESH_LOOKUPS = 200;

export type TagOnDigest = {
  /** The tag the policy ranks highest among those on the digest. */
  tag?: string;
  /** How many allowed tags point at the digest. */
  matches: number;
  /** Allowed tags the registry was not asked about, past the lookup limit. */
  unchecked: number;
};

/**
 * Policy order, best first, as far as the tag alone tells: glob and regex
 * order by build time, which tags on one digest share, so among those the
 * tag name decides, as it does in `selectLatestTag`.
 */
function byPolicy(def: PolicyDefinition) {
  return (a: string, b: string) => {
    if (isDowngrade(def, a, b)) return -1;
    if (isDowngrade(def, b, a)) return 1;
    return Number(a < b) - Number(a > b);
  };
}

/**
 * The tag that `def` allows and that points at `digest`, choosing as the
 * policy would among several. Digests the image scanner cached spare a
 * request per tag; the tag chosen from the cache is asked for again, since
 * a tag can be moved, and dropped when it no longer points there. Tags not
 * in the cache are asked for, best by policy first, up to
 * {@link MAX_FRESH_LOOKUPS}.
 */
export async function findTagOnDigest(
  registry: TagDigests,
  image: ImageRef,
  digest: string,
  def: PolicyDefinition,
): Promise<TagOnDigest> {
  const allowed = (await registry.listTags(image)).filter(tag =>
    policyAllows(def, tag),
  );
  const cached = await registry.cachedDigestsOf(image, allowed);
  const uncached = allowed.filter(tag => !cached.has(tag)).sort(byPolicy(def));
  const asked = uncached.slice(0, MAX_FRESH_LOOKUPS);
  const fresh = await registry.digestsOf(image, asked);

  const matches = new Set(
    allowed.filter(tag => (fresh.get(tag) ?? cached.get(tag)) === digest),
  );
  const unchecked = uncached.length - asked.length;
  for (;;) {
    const choice = selectLatestTag(
      def,
      [...matches].map(tag => ({ tag })),
    );
    if (!choice) break;
    if (
      fresh.has(choice.tag) ||
      (await registry.digestsOf(image, [choice.tag])).get(choice.tag) === digest
    ) {
      return { tag: choice.tag, matches: matches.size, unchecked };
    }
    matches.delete(choice.tag);
  }
  return { matches: 0, unchecked };
}

import { compilePolicy } from './compiledPolicy';
import { creationTime } from './creationTime';
import { PolicyDefinition, TagCandidate } from './types';

/** The latest known creation time listed for a tag. */
function timeOf(tag: string, candidates: TagCandidate[]): number | undefined {
  let latest: number | undefined;
  for (const candidate of candidates) {
    if (candidate.tag !== tag) continue;
    const time = creationTime(candidate.createdAt);
    if (time !== undefined && (latest === undefined || time > latest)) {
      latest = time;
    }
  }
  return latest;
}

/**
 * Whether moving from `from` to `to` goes backwards by the policy's own
 * order, so that automation reports the move instead of committing it.
 *
 * - glob, regex: `to`'s image is older than `from`'s, when `candidates`
 *   give a creation time for both; otherwise nothing is known and this is
 *   false.
 * - semver: `to` is a lower version than `from`. `from` need not be in the
 *   range (someone may have pinned 0.5.0 by hand under `~0.4`; going back
 *   to 0.4.11 is still a downgrade), but it must read as a version.
 * - alphabetical, numerical: `to` sorts below `from` in the policy's order.
 *
 * With a tag filter, `from` must pass it to be compared: a tag outside the
 * filter has no place in the order. Tags the policy cannot order, and
 * equal ranks (`1.2` and `1.2.0`), are never a downgrade. Throws
 * `ImagePolicyError` for an invalid range or pattern.
 *
 * @public
 */
export function isDowngrade(
  def: PolicyDefinition,
  from: string,
  to: string,
  candidates: TagCandidate[] = [],
): boolean {
  if (from === to) return false;
  const policy = compilePolicy(def);
  if (policy.byTime) {
    const fromTime = timeOf(from, candidates);
    const toTime = timeOf(to, candidates);
    return fromTime !== undefined && toTime !== undefined && toTime < fromTime;
  }
  const fromTag = policy.read({ tag: from });
  const toTag = policy.read({ tag: to });
  return (
    fromTag !== undefined &&
    toTag !== undefined &&
    policy.compare(toTag, fromTag) < 0
  );
}

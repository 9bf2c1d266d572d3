import { CompiledPolicy, RankedTag } from './compiledPolicy';

/**
 * The tie-break every policy shares: when the policy cannot tell two tags
 * apart (the same creation time, no creation time for either, the same
 * version as in `1.2` and `1.2.0`, the same extracted value), the tag that
 * sorts last by UTF-16 code units (byte order for the ASCII that tags are
 * made of) ranks higher. So the same tags always give the same choice,
 * whatever order the registry listed them in.
 *
 * Flux v1 broke semver ties the same way (`1.10.0` over `1.10`) but broke
 * creation-time ties the other way, towards the smaller name; Flux v2 let
 * the registry's order decide. Neither is worth copying over a rule that
 * is the same everywhere.
 */
export function rankTags(
  policy: CompiledPolicy,
  a: RankedTag,
  b: RankedTag,
): number {
  const byPolicy = policy.compare(a, b);
  if (byPolicy !== 0) return byPolicy;
  if (a.tag !== b.tag) return a.tag > b.tag ? 1 : -1;
  // The same tag listed twice: the entry with a known, later time stands for it.
  const byTime = (a.time ?? -Infinity) - (b.time ?? -Infinity);
  if (byTime !== 0) return byTime > 0 ? 1 : -1;
  const [left, right] = [a.createdAt ?? '', b.createdAt ?? ''];
  return Number(left > right) - Number(left < right);
}

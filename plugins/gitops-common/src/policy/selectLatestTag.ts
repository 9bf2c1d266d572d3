import { CompiledPolicy, RankedTag, compilePolicy } from './compiledPolicy';
import { describePolicy } from './describePolicy';
import { rankTags } from './rankTags';
import { PolicyDefinition, TagCandidate, TagChoice } from './types';

function plural(count: number, noun: string): string {
  return `${count} other ${noun}${count === 1 ? '' : 's'}`;
}

/** `among tags matching …, ordered by $ts` when a Flux v2 tag filter applies. */
function filterNote(def: PolicyDefinition): string {
  if (!def.filter) return '';
  const extract = def.filter.extract
    ? `, ordered by ${def.filter.extract}`
    : '';
  return ` among tags matching ${def.filter.pattern}${extract}`;
}

function timeReason(
  def: PolicyDefinition,
  winner: RankedTag,
  ties: number,
): string {
  const policy = describePolicy({ policy: def.policy });
  const filter = filterNote(def);
  if (winner.time === undefined) {
    return ties === 0
      ? `only image matching ${policy}${filter} (its creation time is not known)`
      : `greatest tag name matching ${policy}${filter}: no creation time is known for it or the ${plural(
          ties,
          'matching tag',
        )}`;
  }
  const tie = ties
    ? `; tied on creation time with ${plural(
        ties,
        'tag',
      )}, and the greatest tag name wins`
    : '';
  return `newest image matching ${policy}${filter} (created ${winner.createdAt})${tie}`;
}

function orderReason(def: PolicyDefinition, ties: number): string {
  const policy = def.policy;
  let base: string;
  switch (policy.kind) {
    case 'semver':
      base = `highest version in ${policy.range}`;
      break;
    case 'semver-strict':
      base = `highest version in ${policy.range} (strict semver)`;
      break;
    case 'alphabetical':
      base = `${
        policy.order === 'desc' ? 'first' : 'last'
      } tag in alphabetical order`;
      break;
    case 'numerical':
      base = `${policy.order === 'desc' ? 'lowest' : 'highest'} number`;
      break;
    default:
      base = describePolicy({ policy });
  }
  const tie = ties
    ? `; tied with ${plural(ties, 'tag')}, and the greatest tag name wins`
    : '';
  return `${base}${filterNote(def)}${tie}`;
}

function countTies(
  policy: CompiledPolicy,
  winner: RankedTag,
  ranked: RankedTag[],
): number {
  const tied = new Set(
    ranked
      .filter(r => r.tag !== winner.tag && policy.compare(r, winner) === 0)
      .map(r => r.tag),
  );
  return tied.size;
}

/**
 * The tag the policy chooses among the registry's tags, or undefined when
 * none is a candidate. glob and regex choose the newest image by creation
 * time, with images of unknown time below all timed ones; semver the
 * highest version in the range (prereleases only when the range names one,
 * as the `semver` package decides); alphabetical and numerical as Flux v2.
 * Ties go to the greatest tag name (see `rankTags`), so input order never
 * matters. Throws `ImagePolicyError` for an invalid range or pattern.
 *
 * @public
 */
export function selectLatestTag(
  def: PolicyDefinition,
  candidates: TagCandidate[],
): TagChoice | undefined {
  const policy = compilePolicy(def);
  const ranked = candidates
    .map(candidate => policy.admit(candidate))
    .filter((r): r is RankedTag => r !== undefined);
  if (ranked.length === 0) return undefined;

  const winner = ranked.reduce((best, next) =>
    rankTags(policy, next, best) > 0 ? next : best,
  );
  const ties = countTies(policy, winner, ranked);
  return {
    tag: winner.tag,
    ...(winner.createdAt !== undefined ? { createdAt: winner.createdAt } : {}),
    reason: policy.byTime
      ? timeReason(def, winner, ties)
      : orderReason(def, ties),
  };
}

import { describePolicy } from './describePolicy';
import { PolicyDefinition } from './types';

/**
 * A Flux v2 ImagePolicy in the words of its spec, for people who wrote it:
 * `semver:>=6.0.0-0 <7.0.0`, `alphabetical:asc`, `numerical:desc`, with a
 * `filterTags` in brackets. Unlike {@link describePolicy} it does not tell
 * the strict semver of `semver.range` from Flux v1's lenient one: the
 * ImagePolicy is named beside it wherever it is shown.
 *
 * @public
 */
export function describeFluxPolicy(def: PolicyDefinition): string {
  const { policy } = def;
  return describePolicy(
    policy.kind === 'semver-strict'
      ? { ...def, policy: { kind: 'semver', range: policy.range } }
      : def,
  );
}

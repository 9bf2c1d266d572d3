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
  const { policy, filter } = def;
  let text: string;
  switch (policy.kind) {
    case 'glob':
    case 'regex':
      text = `${policy.kind}:${policy.pattern}`;
      break;
    case 'semver':
    case 'semver-strict':
      text = `semver:${policy.range}`;
      break;
    default:
      text = `${policy.kind}:${policy.order}`;
  }
  if (!filter) return text;
  const extract = filter.extract ? `, extract ${filter.extract}` : '';
  return `${text} (tags matching ${filter.pattern}${extract})`;
}

import { PolicyDefinition } from './types';

/**
 * A policy in one line. Flux v1 policies read as their annotation would
 * (`glob:dev-*`, `semver:~0.4`, `regex:^x`), so `parseImagePolicy` reads
 * the text back to the same policy. Flux v2 ones name their kind the same
 * way (`semver-strict:>=1.0`, `alphabetical:asc`, `numerical:desc`), and a
 * tag filter follows in brackets.
 *
 * @public
 */
export function describePolicy(def: PolicyDefinition): string {
  const { policy, filter } = def;
  let text: string;
  switch (policy.kind) {
    case 'glob':
    case 'regex':
      text = `${policy.kind}:${policy.pattern}`;
      break;
    case 'semver':
    case 'semver-strict':
      text = `${policy.kind}:${policy.range}`;
      break;
    default:
      text = `${policy.kind}:${policy.order}`;
  }
  if (!filter) return text;
  const extract = filter.extract ? `, extract ${filter.extract}` : '';
  return `${text} (tags matching ${filter.pattern}${extract})`;
}

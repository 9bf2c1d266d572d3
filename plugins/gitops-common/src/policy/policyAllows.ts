import { compilePolicy } from './compiledPolicy';
import { PolicyDefinition } from './types';

/**
 * Whether the tag is a candidate under the policy: it passes `filterTags`,
 * then matches the glob or regex, or is a version within the range (a
 * number, for numerical); `latest` only for `glob:latest`. Creation time
 * plays no part. Throws `ImagePolicyError` for an invalid range or pattern.
 *
 * @public
 */
export function policyAllows(def: PolicyDefinition, tag: string): boolean {
  return compilePolicy(def).admit({ tag }) !== undefined;
}

/**
 * glob and regex policies order by image creation time, so the registry
 * must be asked for each candidate's metadata; semver, alphabetical and
 * numerical order by the tag alone and need only the tag list.
 *
 * @public
 */
export function needsCreationTime(def: PolicyDefinition): boolean {
  return def.policy.kind === 'glob' || def.policy.kind === 'regex';
}

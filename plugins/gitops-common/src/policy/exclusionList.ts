import { compileGoRegexp } from './goRegexp';
import { ImagePolicyError } from './ImagePolicyError';

/**
 * image-reflector-controller's `exclusionList` when an ImageRepository sets
 * none: cosign signatures (`<digest>.sig`) are tags, never images to run.
 *
 * @public
 */
export const FLUX_DEFAULT_EXCLUSION_LIST: readonly string[] = ['^.*\\.sig$'];

/** More patterns than any repository needs; each runs against every tag. */
const MAX_EXCLUSIONS = 25;

/**
 * An ImageRepository's `exclusionList` as a test: a tag any pattern matches
 * (Go syntax, unanchored, through RE2) is never a candidate. Throws
 * `ImagePolicyError` for an invalid or oversized pattern, or too many.
 *
 * @public
 */
export function compileExclusionList(
  patterns: readonly string[],
): (tag: string) => boolean {
  if (patterns.length > MAX_EXCLUSIONS) {
    throw new ImagePolicyError(
      `the exclusion list has ${patterns.length} patterns; at most ${MAX_EXCLUSIONS} are allowed`,
    );
  }
  const compiled = patterns.map(pattern => compileGoRegexp(pattern));
  return tag => compiled.some(re => re.test(tag));
}

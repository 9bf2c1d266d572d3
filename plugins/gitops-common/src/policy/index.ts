/**
 * Image policies: which tag of an image repository automation moves a
 * release to, under Flux v1 filter annotations and Flux v2 `ImagePolicy`
 * kinds. Shared so the frontend can explain what the backend decides.
 */
export type {
  ImagePolicy,
  PolicyDefinition,
  TagCandidate,
  TagChoice,
  TagFilter,
} from './types';
export { ImagePolicyError } from './ImagePolicyError';
export { MAX_PATTERN_LENGTH, MAX_PROGRAM_SIZE } from './patternLimits';
export { parseImagePolicy } from './parseImagePolicy';
export { describePolicy } from './describePolicy';
export { describeFluxPolicy } from './describeFluxPolicy';
export {
  compileExclusionList,
  FLUX_DEFAULT_EXCLUSION_LIST,
} from './exclusionList';
export { policyAllows, needsCreationTime } from './policyAllows';
export { selectLatestTag } from './selectLatestTag';
export { isDowngrade } from './isDowngrade';
export { parseFluxVersionRange } from './tagVersion';

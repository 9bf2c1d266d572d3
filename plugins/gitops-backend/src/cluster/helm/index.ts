export type {
  HelmReleaseSecret,
  HelmReleaseStatus,
  HelmRevision,
} from './types';
export { HelmSecretError } from './HelmSecretError';
export { decodeHelmReleaseSecret } from './decodeHelmReleaseSecret';
export { helmHistories, helmReleaseKey } from './helmHistories';
export { HelmRevisionCache } from './HelmRevisionCache';
export { helmStatusOf } from './releaseJson';

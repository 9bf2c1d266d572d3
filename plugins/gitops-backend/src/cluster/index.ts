/**
 * Talking to a cluster: its connection config, the Kubernetes client the
 * reconcile loop uses, and reading Helm's release Secrets.
 */
export type { ClusterConfig } from './ClusterConfig';
export { ClusterRequestError } from './ClusterRequestError';
export {
  describeKey,
  environmentOfFieldManager,
  FLUX_LIST_LIMITS,
  fieldManagerOf,
  KubernetesCluster,
  LEGACY_FIELD_MANAGER,
} from './KubernetesCluster';
export type {
  ClusterApi,
  ClusterHelmRelease,
  FluxObjectList,
  LiveObjectIdentity,
} from './KubernetesCluster';
export {
  helmHistories,
  helmReleaseKey,
  HelmRevisionCache,
  helmStatusOf,
} from './helm';
export type {
  HelmReleaseSecret,
  HelmReleaseStatus,
  HelmRevision,
} from './helm';
export { readClustersConfig } from './ClusterConfig';

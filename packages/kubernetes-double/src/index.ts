export { startKubernetesDouble } from './startKubernetesDouble';
export type {
  KubernetesDouble,
  KubernetesDoubleOptions,
} from './startKubernetesDouble';
export { kubeConfigFor } from './kubeConfigFor';
export {
  KUSTOMIZE_CONTROLLER_MANAGER,
  SimulatedKustomizeController,
} from './simulatedKustomizeController';
export type {
  KustomizationOutcome,
  KustomizationSource,
  RenderedKustomization,
  RenderKustomization,
  SimulatedKustomizeControllerOptions,
} from './simulatedKustomizeController';
export { statusOfError } from './statusOfError';
export { ObjectStore } from './objectStore';
export type { ChangeEvent } from './objectStore';
export type { KubeObject } from './kubeObject';
export type { FaultSpec } from './faultInjector';
export type { ResourceType, ResourceTypeInput } from './resourceTypes';
export {
  buildHelmReleaseSecret,
  decodeHelmRelease,
  decodeHelmReleaseSecretData,
  encodeHelmRelease,
  helmReleaseSecretName,
  HELM_OWNER_LABEL_VALUE,
  HELM_RELEASE_DATA_KEY,
  HELM_RELEASE_SECRET_PREFIX,
  HELM_RELEASE_SECRET_TYPE,
} from './helm/helmStorage';
export type { HelmReleaseRecord, HelmReleaseStatus } from './helm/helmStorage';
export {
  CHART_APP_VERSION_ANNOTATION,
  CHART_REVISION_ANNOTATION,
  CHART_VERSION_ANNOTATION,
  HELM_CONTROLLER_GROUP,
  HELM_OPERATOR_GROUP,
  RECONCILE_REQUESTED_AT_ANNOTATION,
} from './helm/releaseRequest';

/**
 * Catalog annotations that link an entity to the HelmReleases it is deployed by.
 * Any one of them is enough; an entity with several matches the union.
 *
 * @public
 */
export const GITOPS_ANNOTATION_HELM_CHART = 'gitops.backstage.io/helm-chart';

/**
 * Matches releases whose values deploy this image repository, such as
 * `stefanprodan/podinfo`.
 *
 * @public
 */
export const GITOPS_ANNOTATION_IMAGE = 'gitops.backstage.io/image';

/**
 * A label selector (`app=podinfo,tier=web`) matched against HelmRelease labels.
 *
 * @public
 */
export const GITOPS_ANNOTATION_RELEASE_SELECTOR =
  'gitops.backstage.io/release-selector';

/**
 * The Kubernetes plugin's own annotation; a HelmRelease labelled
 * `backstage.io/kubernetes-id: <id>` belongs to the entity.
 *
 * @public
 */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/**
 * All annotations that make an entity a gitops entity, in the order the
 * backend tries them.
 *
 * @public
 */
export const GITOPS_ANNOTATIONS = [
  GITOPS_ANNOTATION_HELM_CHART,
  GITOPS_ANNOTATION_IMAGE,
  GITOPS_ANNOTATION_RELEASE_SELECTOR,
  KUBERNETES_ID_ANNOTATION,
] as const;

/**
 * Whether an entity carries at least one annotation that links it to releases.
 *
 * @public
 */
export function hasGitopsAnnotation(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return GITOPS_ANNOTATIONS.some(name => Boolean(annotations[name]?.trim()));
}

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
 * On a HelmRelease in the config repository: the catalog entity it belongs
 * to, as an entity ref (`component:default/podinfo`; kind defaults to
 * Component, namespace to default). The owners of that entity may act on
 * the release. Only writers of the config repository can set it, which is
 * what makes it a grant: the entity annotations above only display.
 *
 * @public
 */
export const GITOPS_ANNOTATION_ENTITY = 'gitops.backstage.io/entity';

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

/**
 * Label on every object the backend applies to a cluster: the id of the
 * config repository it came from.
 *
 * @public
 */
export const GITOPS_LABEL_SOURCE_REPOSITORY = 'gitops.backstage.io/repository';

/**
 * Label on every object the backend applies to a cluster: the environment
 * that applied it. Prune deletes only objects that still carry it.
 *
 * @public
 */
export const GITOPS_LABEL_ENVIRONMENT = 'gitops.backstage.io/environment';

/**
 * Annotation on every applied object: its file in the config repository.
 *
 * @public
 */
export const GITOPS_ANNOTATION_SOURCE_PATH = 'gitops.backstage.io/source-path';

/**
 * Annotation on applied HelmReleases: the chart version git holds (Flux v1
 * HelmReleases of git charts carry none in their spec).
 *
 * @public
 */
export const GITOPS_ANNOTATION_CHART_VERSION =
  'gitops.backstage.io/chart-version';

/**
 * Annotation on applied HelmReleases: the git tree of the chart, so that new
 * chart contents under the same version still change the object and so
 * reach the operator.
 *
 * @public
 */
export const GITOPS_ANNOTATION_CHART_REVISION =
  'gitops.backstage.io/chart-revision';

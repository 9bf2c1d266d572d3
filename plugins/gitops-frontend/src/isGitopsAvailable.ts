import { Entity } from '@backstage/catalog-model';
import { hasGitopsAnnotation } from '@backstage-gitops/plugin-gitops-common';

/**
 * Whether the gitops cards have something to show for an entity: it carries
 * one of the annotations that link it to HelmReleases.
 *
 * @public
 */
export const isGitopsAvailable = (entity: Entity): boolean =>
  hasGitopsAnnotation(entity);

import { LiveObjectIdentity } from '../cluster';
import {
  GITOPS_LABEL_ENVIRONMENT,
  GITOPS_LABEL_SOURCE_REPOSITORY,
} from '@backstage-gitops/plugin-gitops-common';

/** What makes a live object one an environment applied and still holds. */
export type EnvironmentMarks = {
  repository: string;
  environment: string;
  fieldManager: string;
};

/**
 * Why a live object is no longer ours to delete: it lost our marks or our
 * field manager (someone relabelled it, re-created it, or took it over).
 * Undefined when it is still ours.
 */
export function notOurs(
  live: LiveObjectIdentity,
  marks: EnvironmentMarks,
): string | undefined {
  const managers = live.managers.length > 0 ? live.managers.join(', ') : 'none';
  if (live.labels[GITOPS_LABEL_SOURCE_REPOSITORY] !== marks.repository) {
    return `not pruned: its ${GITOPS_LABEL_SOURCE_REPOSITORY} label is no longer "${marks.repository}" (field managers: ${managers})`;
  }
  if (live.labels[GITOPS_LABEL_ENVIRONMENT] !== marks.environment) {
    return `not pruned: its ${GITOPS_LABEL_ENVIRONMENT} label is no longer "${marks.environment}" (field managers: ${managers})`;
  }
  if (!live.managers.includes(marks.fieldManager)) {
    return `not pruned: field manager ${marks.fieldManager} no longer manages it (field managers: ${managers})`;
  }
  return undefined;
}

import { isDowngrade } from '@backstage-gitops/plugin-gitops-common';

/** How a stage's tag relates to the tag of the stage before it. */
export type TagComparison = 'in-step' | 'behind' | 'ahead' | 'differs';

const anyVersion = { policy: { kind: 'semver' as const, range: '*' } };

/**
 * Compares tags only: the backend stores no digests for running images, so
 * two different tags may well be the same image. "behind" and "ahead" are
 * said only when both tags read as versions; otherwise they just differ.
 */
export function compareTags(previous: string, current: string): TagComparison {
  if (previous === current) return 'in-step';
  if (isDowngrade(anyVersion, previous, current)) return 'behind';
  if (isDowngrade(anyVersion, current, previous)) return 'ahead';
  return 'differs';
}

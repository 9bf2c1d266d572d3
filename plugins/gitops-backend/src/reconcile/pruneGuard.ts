import { AppliedObjectKey, HeldPruneRecord } from '../database';
import { objectKeyOf } from './environmentObjects';

/**
 * Whether deleting `deleting` of an environment's `total` prunable objects
 * needs a confirmation: more than `maxShare` of them, or every one of them
 * (a folder gone, a wrong path, a reset branch), always.
 */
export function pruneNeedsConfirmation(
  deleting: number,
  total: number,
  maxShare: number,
): boolean {
  if (deleting === 0) return false;
  return deleting >= total || deleting > maxShare * total;
}

/** Whether a held deletion was confirmed for exactly this commit and these objects. */
export function confirmedFor(
  held: HeldPruneRecord | undefined,
  commit: string,
  objects: AppliedObjectKey[],
): boolean {
  if (!held?.confirmedBy || held.commit !== commit) return false;
  const keys = (list: AppliedObjectKey[]) =>
    list.map(objectKeyOf).sort().join('\n');
  return keys(held.objects) === keys(objects);
}

import { AppliedObjectKey, HeldPruneRecord } from './ClusterStateStore';
import { appliedObjectKeyOf } from './clusterStateRows';
import { defined, iso } from './rowMapping';

/** A row of `gitops_held_prunes`: at most one held deletion per environment. */
export type HeldPruneRow = {
  environment: string;
  commit: string;
  objects: string;
  total: number;
  held_at: Date | string;
  confirmed_by: string | null;
  confirmed_at: Date | string | null;
};

export function toHeldPrune(row: HeldPruneRow): HeldPruneRecord {
  return defined({
    environment: row.environment,
    commit: row.commit,
    objects: JSON.parse(row.objects) as AppliedObjectKey[],
    total: row.total,
    heldAt: iso(row.held_at)!,
    confirmedBy: row.confirmed_by ?? undefined,
    confirmedAt: iso(row.confirmed_at),
  });
}

/** One text per set of objects, whatever their order. */
export function objectSetText(objects: AppliedObjectKey[]): string {
  return JSON.stringify(
    objects
      .map(o => ({
        apiVersion: o.apiVersion,
        kind: o.kind,
        namespace: o.namespace,
        name: o.name,
      }))
      .sort((a, b) =>
        appliedObjectKeyOf(a).localeCompare(appliedObjectKeyOf(b)),
      ),
  );
}

import { GitopsFluxCondition } from '@backstage-gitops/plugin-gitops-common';

/** A string field of an untrusted object; empty strings count as absent. */
export function textField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A cap on the text kept of a controller's message: statuses are untrusted. */
const MESSAGE_LIMIT = 2000;

/**
 * The named conditions of a Flux object's status, in the order named; those
 * the controller has not written are left out.
 */
export function fluxConditions(
  status: Record<string, unknown> | undefined,
  types: readonly string[],
): GitopsFluxCondition[] {
  const raw = Array.isArray(status?.conditions) ? status!.conditions : [];
  const found: GitopsFluxCondition[] = [];
  for (const type of types) {
    const item = raw.find(
      (c: unknown) =>
        typeof c === 'object' &&
        c !== null &&
        (c as Record<string, unknown>).type === type,
    ) as Record<string, unknown> | undefined;
    const state = item?.status;
    if (state !== 'True' && state !== 'False' && state !== 'Unknown') continue;
    const reason = textField(item!.reason);
    const message = textField(item!.message)?.slice(0, MESSAGE_LIMIT);
    const since = textField(item!.lastTransitionTime);
    found.push({
      type,
      status: state,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
      ...(since ? { since } : {}),
    });
  }
  return found;
}

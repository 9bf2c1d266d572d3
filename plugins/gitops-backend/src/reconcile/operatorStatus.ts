import { fluxGenerationOf } from '../kernel';
import { LiveHelmRelease } from './types';

/** What the Helm operator's status block says, in one shape for v1 and v2. */
export type OperatorStatus = {
  generation?: number;
  observedGeneration?: number;
  /** The operator reports a failure: its words, and when it began. */
  failure?: { message: string; since?: string };
  /** The operator reports work under way or waiting on something. */
  working?: { message: string; since?: string };
};

type Condition = {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  since?: string;
};

// Helm Operator v1 phases that end an attempt in failure. RolledBack counts:
// the operator only rolls back after a failed upgrade, so what git asks for
// is not what runs.
const V1_FAILED_PHASES = new Set([
  'ChartFetchFailed',
  'DeployFailed',
  'TestFailed',
  'Failed',
  'RollbackFailed',
  'RolledBack',
]);
const V1_WORKING_PHASES = new Set([
  'Installing',
  'Upgrading',
  'Testing',
  'RollingBack',
]);

// helm-controller (v2) Ready reasons that mean the last attempt failed. Every
// failure reason ends in "Failed"; a successful rollback or uninstall is a
// remediation of a failed install or upgrade.
const V2_REMEDIATION_REASONS = new Set([
  'RollbackSucceeded',
  'UninstallSucceeded',
  'RetriesExceeded',
  'MissingRollbackTarget',
]);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value)
    ? value
    : undefined;
}

function timeOf(iso: string | undefined): number {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

function conditionsOf(status: Record<string, unknown>): Condition[] {
  const raw = Array.isArray(status.conditions) ? status.conditions : [];
  const conditions: Condition[] = [];
  for (const item of raw) {
    if (typeof item !== 'object' || item === null) continue;
    const c = item as Record<string, unknown>;
    const type = text(c.type);
    const state = text(c.status);
    if (!type || !state) continue;
    conditions.push({
      type,
      status: state,
      reason: text(c.reason),
      message: text(c.message),
      since: text(c.lastTransitionTime) ?? text(c.lastUpdateTime),
    });
  }
  return conditions;
}

function conditionText(
  reason: string | undefined,
  message: string | undefined,
): string {
  if (reason && message) return `${reason}: ${message}`;
  return message ?? reason ?? 'no message';
}

function readV1(
  status: Record<string, unknown>,
): Pick<OperatorStatus, 'failure' | 'working'> {
  const phase = text(status.phase);
  if (!phase) return {};
  if (V1_FAILED_PHASES.has(phase)) {
    // The newest False condition carries the operator's explanation.
    const failing = conditionsOf(status)
      .filter(c => c.status === 'False')
      .sort((a, b) => timeOf(b.since) - timeOf(a.since))[0];
    return {
      failure: {
        message: conditionText(phase, failing?.message),
        since: failing?.since,
      },
    };
  }
  if (V1_WORKING_PHASES.has(phase)) {
    return { working: { message: `phase ${phase}` } };
  }
  return {};
}

function readV2(
  status: Record<string, unknown>,
): Pick<OperatorStatus, 'failure' | 'working'> {
  const conditions = conditionsOf(status);
  const find = (type: string) => conditions.find(c => c.type === type);
  const ready = find('Ready');
  const stalled = find('Stalled');
  const reconciling = find('Reconciling');

  // Stalled means helm-controller gave up retrying: a failure until git changes.
  if (stalled?.status === 'True') {
    return {
      failure: {
        message: conditionText(stalled.reason, stalled.message),
        since: stalled.since,
      },
    };
  }
  if (ready?.status === 'False') {
    const reason = ready.reason ?? '';
    const entry = {
      message: conditionText(ready.reason, ready.message),
      since: ready.since,
    };
    if (reason.endsWith('Failed') || V2_REMEDIATION_REASONS.has(reason)) {
      return {
        failure: { ...entry, message: withAftermath(entry.message, find) },
      };
    }
    return { working: entry }; // DependencyNotReady, Progressing, ProgressingWithRetry
  }
  if (reconciling?.status === 'True') {
    return {
      working: {
        message: conditionText(reconciling.reason, reconciling.message),
        since: reconciling.since,
      },
    };
  }
  if (ready?.status === 'Unknown') {
    return {
      working: {
        message: conditionText(ready.reason, ready.message),
        since: ready.since,
      },
    };
  }
  return {};
}

/**
 * What followed a failed attempt, as helm-controller records it besides
 * Ready: failed tests (TestSuccess=False) and the remediation it ran
 * (Remediated=True, e.g. a rollback), so that the reason says both.
 */
function withAftermath(
  message: string,
  find: (type: string) => Condition | undefined,
): string {
  const parts = [message];
  const tests = find('TestSuccess');
  if (
    tests?.status === 'False' &&
    !message.includes(tests.message ?? '\u0000')
  ) {
    parts.push(`tests failed: ${conditionText(tests.reason, tests.message)}`);
  }
  const remediated = find('Remediated');
  if (remediated?.status === 'True') {
    parts.push(
      `remediated: ${conditionText(remediated.reason, remediated.message)}`,
    );
  }
  return parts.join('; ');
}

/**
 * Reads the status of a Helm Operator v1 (`helm.fluxcd.io`) or helm-controller
 * v2 (`helm.toolkit.fluxcd.io`) HelmRelease. Any other kind of object gives
 * only its generations.
 */
export function readOperatorStatus(live: LiveHelmRelease): OperatorStatus {
  const status = live.status ?? {};
  const operator = fluxGenerationOf(live.apiVersion);
  let verdict: Pick<OperatorStatus, 'failure' | 'working'> = {};
  if (operator === 'v1') verdict = readV1(status);
  else if (operator === 'v2') verdict = readV2(status);
  const generation = wholeNumber(live.metadata.generation);
  const observedGeneration = wholeNumber(status.observedGeneration);
  return {
    ...(generation !== undefined ? { generation } : {}),
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    ...verdict,
  };
}

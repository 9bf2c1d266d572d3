import { createHash } from 'node:crypto';
import { isJsonObject, JsonObject } from '../jsonValue';
import { KubeObject, nameOf, namespaceOf, readMetadata } from '../kubeObject';
import { HelmReleaseRecord } from './helmStorage';
import { DesiredRelease } from './releaseRequest';

/** What one reconciliation of a HelmRelease came to. */
export type ReleaseOutcome =
  | {
      result: 'deployed';
      action: 'install' | 'upgrade';
      revision: HelmReleaseRecord;
    }
  /** Nothing to do: the deployed revision already matches. */
  | { result: 'unchanged'; revision: HelmReleaseRecord }
  | {
      result: 'failed';
      action: 'install' | 'upgrade';
      message: string;
      revision?: HelmReleaseRecord;
    }
  /** Left in pending-install/pending-upgrade, as an interrupted Helm leaves it. */
  | {
      result: 'pending';
      action: 'install' | 'upgrade';
      revision: HelmReleaseRecord;
    };

export type StatusInput = {
  helmRelease: KubeObject;
  desired: DesiredRelease;
  outcome: ReleaseOutcome;
  /** Every stored revision, oldest first (after this reconciliation). */
  history: HelmReleaseRecord[];
  now: string;
};

/** Flux v2 keeps this many snapshots in `status.history`. */
const HISTORY_LENGTH = 5;

/**
 * `status` of a Flux v1 HelmRelease as the Helm Operator writes it: phase,
 * release name and status, chart revision, and the ChartFetched, Deployed
 * and Released conditions.
 */
export function helmOperatorStatus(input: StatusInput): JsonObject {
  const { helmRelease, desired, outcome, now } = input;
  const previous = isJsonObject(helmRelease.status) ? helmRelease.status : {};
  const where = `Helm release '${desired.releaseName}' in '${desired.releaseNamespace}'`;
  const condition = (
    type: string,
    ok: boolean,
    reason: string,
    message: string,
  ): JsonObject => ({
    type,
    status: ok ? 'True' : 'False',
    lastTransitionTime: now,
    lastUpdateTime: now,
    reason,
    message,
  });
  const chartFetched = condition(
    'ChartFetched',
    true,
    'ChartFetched',
    `Chart fetch succeeded for ${where}.`,
  );
  const base: JsonObject = {
    releaseName: desired.releaseName,
    observedGeneration: generationOf(helmRelease),
    lastAttemptedRevision: desired.chartVersion,
    rollbackCount: 0,
  };
  if (outcome.result === 'deployed' || outcome.result === 'unchanged') {
    const message = `Release was successful for ${where}.`;
    return {
      ...base,
      phase: 'Succeeded',
      releaseStatus: 'deployed',
      revision: outcome.revision.chart.metadata.version,
      conditions: [
        chartFetched,
        condition('Deployed', true, 'HelmSuccess', message),
        condition('Released', true, 'HelmSuccess', message),
      ],
    };
  }
  if (outcome.result === 'pending') {
    return {
      ...base,
      phase: outcome.action === 'install' ? 'Installing' : 'Upgrading',
      releaseStatus: outcome.revision.info.status,
      ...(typeof previous.revision === 'string'
        ? { revision: previous.revision }
        : {}),
      conditions: [chartFetched],
    };
  }
  const reason =
    outcome.action === 'install' ? 'HelmInstallFailed' : 'HelmUpgradeFailed';
  return {
    ...base,
    phase: 'DeployFailed',
    releaseStatus: outcome.revision
      ? outcome.revision.info.status
      : String(previous.releaseStatus ?? 'unknown'),
    ...(typeof previous.revision === 'string'
      ? { revision: previous.revision }
      : {}),
    conditions: [
      chartFetched,
      condition('Deployed', false, reason, outcome.message),
      condition('Released', false, reason, outcome.message),
    ],
  };
}

/**
 * `status` of a Flux v2 HelmRelease as helm-controller writes it: Ready and
 * Released conditions, `history` snapshots newest first, and the
 * last-attempted fields.
 */
export function helmControllerStatus(input: StatusInput): JsonObject {
  const { helmRelease, desired, outcome, history, now } = input;
  const previous = isJsonObject(helmRelease.status) ? helmRelease.status : {};
  const generation = generationOf(helmRelease);
  const chart = `${desired.chartName}@${desired.chartVersion}`;
  const condition = (
    type: string,
    ok: boolean,
    reason: string,
    message: string,
  ): JsonObject => ({
    type,
    status: ok ? 'True' : 'False',
    observedGeneration: generation,
    lastTransitionTime: now,
    reason,
    message,
  });
  const status: JsonObject = {
    observedGeneration: generation,
    lastAttemptedGeneration: generation,
    lastAttemptedRevision: desired.chartVersion,
    lastAttemptedConfigDigest: configDigest(desired.values),
    storageNamespace: desired.storageNamespace,
    helmChart: `${namespaceOf(helmRelease) ?? 'default'}/${
      namespaceOf(helmRelease) ?? 'default'
    }-${nameOf(helmRelease) ?? ''}`,
    history: history.slice(-HISTORY_LENGTH).reverse().map(snapshot),
  };
  // helm-controller acknowledges a reconcile request whatever came of it.
  if (desired.requestedAt !== undefined)
    status.lastHandledReconcileAt = desired.requestedAt;
  if (outcome.result === 'unchanged') {
    const action = outcome.revision.version === 1 ? 'install' : 'upgrade';
    const reason =
      action === 'install' ? 'InstallSucceeded' : 'UpgradeSucceeded';
    const message = `Helm ${action} succeeded for release ${desired.releaseNamespace}/${desired.releaseName}.v${outcome.revision.version} with chart ${chart}`;
    return {
      ...status,
      lastAttemptedReleaseAction:
        typeof previous.lastAttemptedReleaseAction === 'string'
          ? previous.lastAttemptedReleaseAction
          : action,
      conditions: [
        condition('Ready', true, reason, message),
        condition('Released', true, reason, message),
      ],
    };
  }
  if (outcome.result === 'deployed') {
    const reason =
      outcome.action === 'install' ? 'InstallSucceeded' : 'UpgradeSucceeded';
    const message = `Helm ${outcome.action} succeeded for release ${desired.releaseNamespace}/${desired.releaseName}.v${outcome.revision.version} with chart ${chart}`;
    return {
      ...status,
      lastAttemptedReleaseAction: outcome.action,
      conditions: [
        condition('Ready', true, reason, message),
        condition('Released', true, reason, message),
      ],
    };
  }
  if (outcome.result === 'pending') {
    const message = `Helm ${outcome.action} in progress for release ${desired.releaseNamespace}/${desired.releaseName} with chart ${chart}`;
    return {
      ...status,
      lastAttemptedReleaseAction: outcome.action,
      conditions: [
        condition('Ready', false, 'Progressing', message),
        condition('Reconciling', true, 'Progressing', message),
      ],
    };
  }
  const reason =
    outcome.action === 'install' ? 'InstallFailed' : 'UpgradeFailed';
  const message = `Helm ${outcome.action} failed for release ${desired.releaseNamespace}/${desired.releaseName} with chart ${chart}: ${outcome.message}`;
  const failures =
    (typeof previous.failures === 'number' ? previous.failures : 0) + 1;
  const counter =
    outcome.action === 'install' ? 'installFailures' : 'upgradeFailures';
  return {
    ...status,
    lastAttemptedReleaseAction: outcome.action,
    failures,
    [counter]:
      (typeof previous[counter] === 'number'
        ? (previous[counter] as number)
        : 0) + 1,
    conditions: [
      condition('Ready', false, reason, message),
      condition('Released', false, reason, message),
    ],
  };
}

function generationOf(object: KubeObject): number {
  const generation = readMetadata(object).generation;
  return typeof generation === 'number' ? generation : 1;
}

/** One `status.history` entry, from a stored revision. */
function snapshot(record: HelmReleaseRecord): JsonObject {
  const entry: JsonObject = {
    name: record.name,
    namespace: record.namespace,
    version: record.version,
    status: record.info.status,
    chartName: record.chart.metadata.name,
    chartVersion: record.chart.metadata.version,
    configDigest: configDigest(record.config),
    digest: `sha256:${createHash('sha256')
      .update(JSON.stringify(record))
      .digest('hex')}`,
    firstDeployed: record.info.first_deployed,
    lastDeployed: record.info.last_deployed,
  };
  if (record.chart.metadata.appVersion)
    entry.appVersion = record.chart.metadata.appVersion;
  if (record.info.deleted) entry.deleted = record.info.deleted;
  return entry;
}

function configDigest(values: JsonObject): string {
  return `sha256:${createHash('sha256')
    .update(JSON.stringify(values))
    .digest('hex')}`;
}

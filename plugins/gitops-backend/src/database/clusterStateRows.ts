import {
  GitopsClusterStatus,
  GitopsReleaseKey,
  GitopsReleaseState,
} from '@backstage-gitops/plugin-gitops-common';
import {
  AppliedObjectKey,
  AppliedObjectRecord,
  EnvironmentFluxStatusRecord,
  HelmHistoryRecord,
  ReleaseStatusRecord,
} from './ClusterStateStore';
import { dateOrNull, defined, iso } from './rowMapping';

/** A row of `gitops_clusters`. */
export type ClusterRow = {
  name: string;
  title: string | null;
  last_reconciled_at: Date | string | null;
  last_error: string | null;
  last_error_at: Date | string | null;
};

/** A row of `gitops_release_status`. */
export type ReleaseStatusRow = {
  environment: string;
  namespace: string;
  name: string;
  cluster: string;
  state: GitopsReleaseState;
  reason: string;
  differences: string;
  revision: number | null;
  chart_version: string | null;
  app_version: string | null;
  deployed_at: Date | string | null;
  since: Date | string | null;
  error: string | null;
  error_at: Date | string | null;
  /** JSON of {@link ReleaseStatusRecord.flux}. */
  flux: string | null;
};

/** A row of `gitops_environment_flux_status`. */
export type EnvironmentFluxStatusRow = {
  environment: string;
  cluster: string;
  kustomization: string | null;
  problem: string | null;
  observed_at: Date | string;
};

/** A row of `gitops_helm_history`: one revision. */
export type HelmHistoryRow = {
  environment: string;
  namespace: string;
  name: string;
  revision: number;
  cluster: string;
  status: string;
  chart_name: string | null;
  chart_version: string | null;
  app_version: string | null;
  description: string | null;
  first_deployed_at: Date | string | null;
  deployed_at: Date | string | null;
};

/** A row of `gitops_applied_objects`. */
export type AppliedObjectRow = {
  environment: string;
  api_version: string;
  kind: string;
  namespace: string;
  name: string;
  source_path: string;
  digest: string;
  applied_at: Date | string;
};

/** A row of `gitops_applied_commits`: the commit an environment last applied whole. */
export type AppliedCommitRow = {
  environment: string;
  commit: string;
  applied_at: Date | string;
};

export const appliedObjectKeyColumns = [
  'api_version',
  'kind',
  'namespace',
  'name',
];

export const appliedObjectKeyOf = (key: AppliedObjectKey) =>
  JSON.stringify([key.apiVersion, key.kind, key.namespace, key.name]);

export function toCluster(row: ClusterRow): GitopsClusterStatus {
  return defined({
    name: row.name,
    title: row.title ?? undefined,
    lastReconciledAt: iso(row.last_reconciled_at),
    lastError: row.last_error ?? undefined,
    lastErrorAt: iso(row.last_error_at),
  });
}

export function releaseStatusRow(
  status: ReleaseStatusRecord,
): ReleaseStatusRow {
  return {
    environment: status.environment,
    namespace: status.namespace,
    name: status.name,
    cluster: status.cluster,
    state: status.state,
    reason: status.reason,
    differences: JSON.stringify(status.differences),
    revision: status.revision ?? null,
    chart_version: status.chartVersion ?? null,
    app_version: status.appVersion ?? null,
    deployed_at: dateOrNull(status.deployedAt),
    since: dateOrNull(status.since),
    error: status.error ?? null,
    error_at: dateOrNull(status.errorAt),
    flux: status.flux ? JSON.stringify(status.flux) : null,
  };
}

export function toReleaseStatus(row: ReleaseStatusRow): ReleaseStatusRecord {
  return defined({
    environment: row.environment,
    namespace: row.namespace,
    name: row.name,
    cluster: row.cluster,
    state: row.state,
    reason: row.reason,
    differences: JSON.parse(row.differences),
    revision: row.revision ?? undefined,
    chartVersion: row.chart_version ?? undefined,
    appVersion: row.app_version ?? undefined,
    deployedAt: iso(row.deployed_at),
    since: iso(row.since),
    error: row.error ?? undefined,
    errorAt: iso(row.error_at),
    flux: row.flux ? JSON.parse(row.flux) : undefined,
  });
}

export function environmentFluxStatusRow(
  status: EnvironmentFluxStatusRecord,
): EnvironmentFluxStatusRow {
  return {
    environment: status.environment,
    cluster: status.cluster,
    kustomization: status.kustomization
      ? JSON.stringify(status.kustomization)
      : null,
    problem: status.problem ?? null,
    observed_at: new Date(status.observedAt),
  };
}

export function toEnvironmentFluxStatus(
  row: EnvironmentFluxStatusRow,
): EnvironmentFluxStatusRecord {
  return defined({
    environment: row.environment,
    cluster: row.cluster,
    kustomization: row.kustomization
      ? JSON.parse(row.kustomization)
      : undefined,
    problem: row.problem ?? undefined,
    observedAt: iso(row.observed_at)!,
  });
}

export function helmHistoryRows(history: HelmHistoryRecord): HelmHistoryRow[] {
  return history.revisions.map(revision => ({
    environment: history.environment,
    namespace: history.namespace,
    name: history.name,
    revision: revision.revision,
    cluster: history.cluster,
    status: revision.status,
    chart_name: revision.chartName ?? null,
    chart_version: revision.chartVersion ?? null,
    app_version: revision.appVersion ?? null,
    description: revision.description ?? null,
    first_deployed_at: dateOrNull(revision.firstDeployedAt),
    deployed_at: dateOrNull(revision.deployedAt),
  }));
}

/** One release's history from its rows, in the order given (non-empty). */
export function toHelmHistory(
  key: GitopsReleaseKey,
  rows: HelmHistoryRow[],
): HelmHistoryRecord {
  return {
    environment: key.environment,
    namespace: key.namespace,
    name: key.name,
    cluster: rows[0].cluster,
    revisions: rows.map(row =>
      defined({
        revision: row.revision,
        status: row.status,
        chartName: row.chart_name ?? undefined,
        chartVersion: row.chart_version ?? undefined,
        appVersion: row.app_version ?? undefined,
        description: row.description ?? undefined,
        firstDeployedAt: iso(row.first_deployed_at),
        deployedAt: iso(row.deployed_at),
      }),
    ),
  };
}

export function appliedObjectRow(
  environment: string,
  object: AppliedObjectRecord,
): AppliedObjectRow {
  return {
    environment,
    api_version: object.apiVersion,
    kind: object.kind,
    namespace: object.namespace,
    name: object.name,
    source_path: object.sourcePath,
    digest: object.digest,
    applied_at: new Date(object.appliedAt),
  };
}

export function toAppliedObject(row: AppliedObjectRow): AppliedObjectRecord {
  return {
    apiVersion: row.api_version,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    sourcePath: row.source_path,
    digest: row.digest,
    appliedAt: iso(row.applied_at)!,
  };
}

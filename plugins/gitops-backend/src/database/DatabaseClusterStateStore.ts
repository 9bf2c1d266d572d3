import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import {
  GitopsClusterStatus,
  GitopsProblem,
  GitopsReleaseKey,
  stringifyGitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';
import { readApplyProblems, replaceApplyProblems } from './applyProblemRows';
import {
  AppliedObjectRecord,
  ApplyRecord,
  ClusterStateStore,
  EnvironmentFluxStatusRecord,
  HeldPruneRecord,
  HelmHistoryRecord,
  ReconcileRecord,
  ReleaseStatusRecord,
} from './ClusterStateStore';
import {
  AppliedCommitRow,
  appliedObjectKeyColumns,
  appliedObjectKeyOf,
  AppliedObjectRow,
  appliedObjectRow,
  ClusterRow,
  environmentFluxStatusRow,
  EnvironmentFluxStatusRow,
  helmHistoryRows,
  HelmHistoryRow,
  releaseStatusRow,
  ReleaseStatusRow,
  toAppliedObject,
  toCluster,
  toEnvironmentFluxStatus,
  toHelmHistory,
  toReleaseStatus,
} from './clusterStateRows';
import { insertEvents } from './DatabaseEventStore';
import { HeldPruneRow, objectSetText, toHeldPrune } from './heldPruneRows';
import { migratedClient } from './migrations';
import { queryBatches } from './queryBatches';
import { defined, lastByKey, releaseKeyColumns } from './rowMapping';

/** The knex implementation of {@link ClusterStateStore}, for SQLite and PostgreSQL. */
export class DatabaseClusterStateStore implements ClusterStateStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseClusterStateStore> {
    return new DatabaseClusterStateStore(
      await migratedClient(options.database),
    );
  }

  constructor(private readonly db: Knex) {}

  async listReleaseStatuses(cluster: string): Promise<ReleaseStatusRecord[]> {
    const rows = await this.db<ReleaseStatusRow>('gitops_release_status')
      .where({ cluster })
      .orderBy(releaseKeyColumns);
    return rows.map(toReleaseStatus);
  }

  async countReleaseStates(): Promise<
    Array<{ environment: string; state: string; count: number }>
  > {
    const rows = await this.db<{ environment: string; state: string }>(
      'gitops_release_status',
    )
      .select('environment', 'state')
      .count({ count: '*' })
      .groupBy('environment', 'state');
    // PostgreSQL counts as bigint, which its driver gives as a string.
    return rows.map(row => ({
      environment: String(row.environment),
      state: String(row.state),
      count: Number(row.count),
    }));
  }

  async getReleaseStatuses(
    keys: GitopsReleaseKey[],
  ): Promise<ReleaseStatusRecord[]> {
    const rows: ReleaseStatusRow[] = [];
    const tuples = keys.map(k => [k.environment, k.namespace, k.name]);
    for (const part of queryBatches(tuples)) {
      rows.push(
        ...(await this.db<ReleaseStatusRow>('gitops_release_status')
          .whereIn(releaseKeyColumns, part)
          .orderBy(releaseKeyColumns)),
      );
    }
    return rows.map(toReleaseStatus);
  }

  async getHelmHistory(
    key: GitopsReleaseKey,
  ): Promise<HelmHistoryRecord | undefined> {
    const rows = await this.db<HelmHistoryRow>('gitops_helm_history')
      .where({
        environment: key.environment,
        namespace: key.namespace,
        name: key.name,
      })
      .orderBy('revision', 'desc');
    return rows.length === 0 ? undefined : toHelmHistory(key, rows);
  }

  async applyReconcile(record: ReconcileRecord): Promise<void> {
    await this.db.transaction(async tx => {
      const statuses = lastByKey(record.statuses, stringifyGitopsReleaseKey);
      for (const part of queryBatches(statuses)) {
        await tx('gitops_release_status')
          .insert(part.map(releaseStatusRow))
          .onConflict(releaseKeyColumns)
          .merge();
      }

      // Only this cluster's rows: a release that moved to another cluster
      // keeps what that cluster recorded for it.
      const removed = record.removed.map(k => [
        k.environment,
        k.namespace,
        k.name,
      ]);
      for (const part of queryBatches(removed)) {
        for (const table of ['gitops_release_status', 'gitops_helm_history']) {
          await tx(table)
            .where({ cluster: record.cluster })
            .whereIn(releaseKeyColumns, part)
            .delete();
        }
      }

      for (const history of record.histories) {
        await tx('gitops_helm_history')
          .where({
            environment: history.environment,
            namespace: history.namespace,
            name: history.name,
          })
          .delete();
        for (const part of queryBatches(helmHistoryRows(history))) {
          await tx('gitops_helm_history').insert(part);
        }
      }

      if (record.environmentFlux) {
        const named = record.environmentFlux.map(status => status.environment);
        await tx('gitops_environment_flux_status')
          .where({ cluster: record.cluster })
          .whereNotIn('environment', named)
          .delete();
        for (const part of queryBatches(record.environmentFlux)) {
          await tx('gitops_environment_flux_status')
            .insert(part.map(environmentFluxStatusRow))
            .onConflict('environment')
            .merge();
        }
      }

      await insertEvents(tx, record.events);

      // The error stays: readers compare its time with last_reconciled_at.
      await tx('gitops_clusters')
        .insert({ name: record.cluster, last_reconciled_at: record.at })
        .onConflict('name')
        .merge(['last_reconciled_at']);
    });
  }

  async listEnvironmentFluxStatuses(): Promise<EnvironmentFluxStatusRecord[]> {
    const rows = await this.db<EnvironmentFluxStatusRow>(
      'gitops_environment_flux_status',
    ).orderBy('environment');
    return rows.map(toEnvironmentFluxStatus);
  }

  async recordClusterFailure(
    cluster: string,
    message: string,
    at: Date,
  ): Promise<void> {
    await this.db('gitops_clusters')
      .insert({ name: cluster, last_error: message, last_error_at: at })
      .onConflict('name')
      .merge(['last_error', 'last_error_at']);
  }

  async ensureClusters(
    clusters: Array<{ name: string; title?: string }>,
  ): Promise<void> {
    const rows = lastByKey(clusters, c => c.name).map(c => ({
      name: c.name,
      title: c.title ?? null,
    }));
    for (const part of queryBatches(rows)) {
      await this.db('gitops_clusters')
        .insert(part)
        .onConflict('name')
        .merge(['title']);
    }
  }

  async listClusters(): Promise<GitopsClusterStatus[]> {
    const rows = await this.db<ClusterRow>('gitops_clusters').orderBy('name');
    return rows.map(toCluster);
  }

  async getAppliedObjects(
    environment: string,
  ): Promise<{ commit?: string; objects: AppliedObjectRecord[] }> {
    const rows = await this.db<AppliedObjectRow>('gitops_applied_objects')
      .where({ environment })
      .orderBy(appliedObjectKeyColumns);
    const applied = await this.db<AppliedCommitRow>('gitops_applied_commits')
      .where({ environment })
      .first();
    return defined({
      commit: applied?.commit,
      objects: rows.map(toAppliedObject),
    });
  }

  async recordApply(apply: ApplyRecord): Promise<void> {
    await this.db.transaction(async tx => {
      if (apply.problems) {
        await replaceApplyProblems(tx, apply.environment, apply.problems);
      }
      // Removals first: an object named in both was applied, so it stays.
      const removed = apply.removed.map(k => [
        k.apiVersion,
        k.kind,
        k.namespace,
        k.name,
      ]);
      for (const part of queryBatches(removed)) {
        await tx('gitops_applied_objects')
          .where({ environment: apply.environment })
          .whereIn(appliedObjectKeyColumns, part)
          .delete();
      }
      const upserted = lastByKey(apply.upserted, appliedObjectKeyOf);
      for (const part of queryBatches(upserted)) {
        await tx('gitops_applied_objects')
          .insert(part.map(o => appliedObjectRow(apply.environment, o)))
          .onConflict(['environment', ...appliedObjectKeyColumns])
          .merge();
      }
      if (apply.commit !== undefined) {
        await tx<AppliedCommitRow>('gitops_applied_commits')
          .insert({
            environment: apply.environment,
            commit: apply.commit,
            applied_at: new Date(),
          })
          .onConflict('environment')
          .merge();
      }
    });
  }

  async forgetApplied(environment: string): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('gitops_applied_objects').where({ environment }).delete();
      await tx('gitops_applied_commits').where({ environment }).delete();
    });
  }

  async listApplyProblems(repositoryIds: string[]): Promise<GitopsProblem[]> {
    return readApplyProblems(this.db, repositoryIds);
  }

  async getHeldPrune(
    environment: string,
  ): Promise<HeldPruneRecord | undefined> {
    const row = await this.db<HeldPruneRow>('gitops_held_prunes')
      .where({ environment })
      .first();
    return row ? toHeldPrune(row) : undefined;
  }

  async holdPrune(
    held: Omit<HeldPruneRecord, 'confirmedBy' | 'confirmedAt'>,
  ): Promise<HeldPruneRecord> {
    return this.db.transaction(async tx => {
      const row = await tx<HeldPruneRow>('gitops_held_prunes')
        .where({ environment: held.environment })
        .first();
      const objects = objectSetText(held.objects);
      if (row && row.commit === held.commit && row.objects === objects) {
        return toHeldPrune(row);
      }
      const next: HeldPruneRow = {
        environment: held.environment,
        commit: held.commit,
        objects,
        total: held.total,
        held_at: new Date(held.heldAt),
        confirmed_by: null,
        confirmed_at: null,
      };
      await tx('gitops_held_prunes')
        .insert(next)
        .onConflict('environment')
        .merge();
      return toHeldPrune(next);
    });
  }

  async confirmHeldPrune(
    environment: string,
    confirmation: { commit: string; actor: string; at: Date },
  ): Promise<HeldPruneRecord | undefined> {
    return this.db.transaction(async tx => {
      const updated = await tx('gitops_held_prunes')
        .where({ environment, commit: confirmation.commit })
        .update({
          confirmed_by: confirmation.actor,
          confirmed_at: confirmation.at,
        });
      if (updated === 0) return undefined;
      const row = await tx<HeldPruneRow>('gitops_held_prunes')
        .where({ environment })
        .first();
      return row ? toHeldPrune(row) : undefined;
    });
  }

  async releaseHeldPrune(environment: string): Promise<void> {
    await this.db('gitops_held_prunes').where({ environment }).delete();
  }
}

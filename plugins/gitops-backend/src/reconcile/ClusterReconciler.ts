import { errorMessage } from '../kernel';
import { GitopsMetrics, startTimer } from '../metrics';
import {
  applyEnvironments,
  ApplyEnvironmentsOptions,
} from './applyEnvironments';
import { assessReleases } from './assessReleases';
import { ClusterRead } from './ClusterRead';
import { readEnvironmentFluxStatuses } from './kustomizationStatus';
import { forgetLostObjects } from './recoverLostObjects';

export type { ClusterEnvironmentSettings } from './applyEnvironments';

export type ReconcileOutcome =
  | { status: 'reconciled'; releases: number; changed: number; applied: number }
  | { status: 'failed'; error: string };

/**
 * One cycle of helm reconciliation for one cluster, one job after another:
 * apply what changed in git for environments that opt in
 * (`applyEnvironments`), read the cluster with a fixed number of list
 * requests per namespace (`ClusterRead`), forget the inventory of
 * environments whose applied HelmReleases are gone so the next cycle applies
 * them again (`recoverLostObjects`), compare each release with git and store
 * what changed: statuses, Helm histories, state-change events
 * (`assessReleases`); and for the environments Flux applies, the
 * Kustomization that applies each (one list per cluster,
 * `readEnvironmentFluxStatuses`).
 *
 * Faults stay where they happen: a namespace that answers 403 or 500 marks
 * its releases' statuses with the error (the last known state stays); an
 * unreachable cluster is recorded on the cluster and nothing else changes.
 */
export class ClusterReconciler {
  private readonly clusterRead: ClusterRead;

  constructor(
    private readonly options: ApplyEnvironmentsOptions & {
      /** After an apply, differences are Progressing this long before they are Drifted. */
      gracePeriodMs: number;
      /** Where each cycle's duration and outcome go; none when unset. */
      metrics?: GitopsMetrics;
    },
  ) {
    this.clusterRead = new ClusterRead(options);
  }

  /** `signal` is the scheduler's: once aborted, nothing more is applied or pruned. */
  async run(signal?: AbortSignal): Promise<ReconcileOutcome> {
    const elapsed = startTimer();
    const outcome = await this.cycle(signal);
    this.options.metrics?.reconcileFinished(
      this.options.cluster,
      outcome.status,
      elapsed(),
    );
    return outcome;
  }

  private async cycle(signal?: AbortSignal): Promise<ReconcileOutcome> {
    const { cluster, syncStateStore, clusterStateStore, logger } = this.options;
    const at = new Date();
    try {
      const all = await syncStateStore.listEnvironments();
      const environments = all.filter(env => env.cluster === cluster);
      const releases = await syncStateStore.releasesOfEnvironments(
        environments.map(env => env.name),
      );
      const applied = await applyEnvironments(this.options, {
        all,
        environments,
        releases,
        at,
        signal,
      });
      if (applied.aborted) {
        // The scheduler gave up on this run; another may already be applying.
        logger.warn('Reconcile aborted; nothing more is applied or pruned', {
          cluster,
        });
        return { status: 'failed', error: 'aborted' };
      }
      const live = await this.clusterRead.read(environments, releases);
      await forgetLostObjects(
        this.options,
        environments,
        applied.appliedAt,
        live,
      );
      const result = await assessReleases(
        this.options,
        releases,
        live,
        applied,
        at,
      );
      const environmentFlux = await readEnvironmentFluxStatuses({
        cluster,
        api: this.options.api,
        environments,
        settings: this.options.settings,
        previous: () => clusterStateStore.listEnvironmentFluxStatuses(),
        at,
      });
      await clusterStateStore.applyReconcile({
        cluster,
        at,
        ...result,
        environmentFlux,
      });
      const outcome = {
        status: 'reconciled' as const,
        releases: releases.length,
        changed: result.statuses.length,
        applied: applied.count,
      };
      logger.info('Reconciled cluster', { cluster, ...outcome });
      return outcome;
    } catch (error) {
      const message = errorMessage(error);
      logger.warn('Reconcile failed', { cluster, error: message });
      await clusterStateStore.recordClusterFailure(cluster, message, at);
      return { status: 'failed', error: message };
    }
  }
}

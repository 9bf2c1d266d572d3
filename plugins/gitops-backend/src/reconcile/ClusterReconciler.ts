import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GitopsEnvironment,
  GitopsReleaseKey,
  stringifyGitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';
import {
  AppliedObjectRecord,
  ClusterStateStore,
  HelmHistoryRecord,
  ReleaseStatusRecord,
} from '../database/ClusterStateStore';
import { EventStore, NewEvent } from '../database/EventStore';
import { ReleaseRecord, SyncStateStore } from '../database/SyncStateStore';
import {
  ClusterApi,
  ClusterHelmRelease,
} from '../cluster/KubernetesCluster';
import { ClusterRequestError } from '../cluster/ClusterRequestError';
import {
  helmHistories,
  helmReleaseKey,
  HelmRevision,
  HelmRevisionCache,
} from '../cluster/helm';
import {
  DEFAULT_PRUNE_MAX_SHARE,
  EnvironmentConfig,
  ownedNamespaces,
} from '../config/GitopsConfig';
import { GitRepository } from '../git';
import { applyLanes } from './applyLane';
import { ClusterReadPlan, helmStorageNamespace, planClusterRead } from './clusterReadPlan';
import { Semaphore } from '../registry/Semaphore';
import { assessRelease } from './assessRelease';
import { EnvironmentApply } from './EnvironmentApply';
import { sameStatus, toHelmRevisions } from './releaseStatusRecord';

/** How an environment on this cluster is reconciled; unset fields take their documented defaults. */
export type ClusterEnvironmentSettings = Pick<
  EnvironmentConfig,
  'apply' | 'prune' | 'namespaces' | 'clusterScopedKinds' | 'pruneGuard'
>;

export type ReconcileOutcome =
  | { status: 'reconciled'; releases: number; changed: number; applied: number }
  | { status: 'failed'; error: string };

const groupOf = (apiVersion: string) => apiVersion.split('/')[0];

/**
 * One cycle of helm reconciliation for one cluster: apply what changed in git
 * (for environments that opt in), then read the cluster with a fixed number
 * of list requests per namespace (HelmReleases of both API groups and Helm's
 * release Secrets; never a get per release), compare each release with git,
 * and store what changed: statuses, Helm histories, state-change events.
 *
 * Faults stay where they happen: a namespace that answers 403 or 500 marks
 * its releases' statuses with the error (the last known state stays); an
 * unreachable cluster is recorded on the cluster and nothing else changes.
 */
export class ClusterReconciler {
  private readonly namespaceReads = new Semaphore(4);
  private readonly revisions = new HelmRevisionCache();

  constructor(
    private readonly options: {
      cluster: string;
      api: ClusterApi;
      settings: Map<string, ClusterEnvironmentSettings>;
      /** A git mirror per repository, for reading what to apply. */
      gitFor: (repositoryId: string) => GitRepository;
      syncStateStore: SyncStateStore;
      clusterStateStore: ClusterStateStore;
      /** Events of applies and prunes; a cycle's own events go with its statuses. */
      eventStore: EventStore;
      logger: LoggerService;
      /** After an apply, differences are Progressing this long before they are Drifted. */
      gracePeriodMs: number;
    },
  ) {}

  /** `signal` is the scheduler's: once aborted, nothing more is applied or pruned. */
  async run(signal?: AbortSignal): Promise<ReconcileOutcome> {
    const { cluster, syncStateStore, clusterStateStore, logger } = this.options;
    const at = new Date();
    try {
      const all = await syncStateStore.listEnvironments();
      const environments = all.filter(env => env.cluster === cluster);
      const releases = await syncStateStore.releasesOfEnvironments(
        environments.map(env => env.name),
      );
      const applied = await this.applyEnvironments(all, environments, releases, at, signal);
      if (applied.aborted) {
        // The scheduler gave up on this run; another may already be applying.
        logger.warn('Reconcile aborted; nothing more is applied or pruned', { cluster });
        return { status: 'failed', error: 'aborted' };
      }
      const live = await this.readCluster(this.planRead(environments, releases));
      await this.forgetLostObjects(environments, applied.appliedAt, live);
      const result = await this.assess(releases, live, applied, at);
      await clusterStateStore.applyReconcile({ cluster, at, ...result });
      const outcome = {
        status: 'reconciled' as const,
        releases: releases.length,
        changed: result.statuses.length,
        applied: applied.count,
      };
      logger.info('Reconciled cluster', { cluster, ...outcome });
      return outcome;
    } catch (error) {
      const message = (error as Error).message;
      logger.warn('Reconcile failed', { cluster, error: message });
      await clusterStateStore.recordClusterFailure(cluster, message, at);
      return { status: 'failed', error: message };
    }
  }

  /** Applies each opted-in environment; returns per release when it was applied or why it failed. */
  private async applyEnvironments(
    /** Every environment, for the folders of each repository. */
    all: GitopsEnvironment[],
    environments: GitopsEnvironment[],
    releases: ReleaseRecord[],
    at: Date,
    signal?: AbortSignal,
  ): Promise<{
    count: number;
    appliedAt: Map<string, string>;
    failures: Map<string, string>;
    aborted: boolean;
  }> {
    const { api, settings, syncStateStore, clusterStateStore, eventStore, gitFor, logger } =
      this.options;
    const failures = new Map<string, string>();
    const appliedAt = new Map<string, string>();
    let count = 0;
    const lanes = applyLanes(
      environments
        .filter(env => settings.get(env.name)?.apply)
        .map(env => {
          const setting = settings.get(env.name)!;
          return {
            name: env.name,
            namespaces: ownedNamespaces({ name: env.name, namespaces: setting.namespaces }),
            clusterScopedKinds: setting.clusterScopedKinds ?? [],
          };
        }),
    );
    for (const environment of environments) {
      if (signal?.aborted) return { count, appliedAt, failures, aborted: true };
      const inventory = await clusterStateStore.getAppliedObjects(environment.name);
      const noteApplied = (objects: AppliedObjectRecord[]) => {
        for (const object of objects) {
          if (object.kind !== 'HelmRelease') continue;
          appliedAt.set(
            stringifyGitopsReleaseKey({ ...object, environment: environment.name }),
            object.appliedAt,
          );
        }
      };
      noteApplied(inventory.objects);
      const setting = settings.get(environment.name);
      if (!setting?.apply) continue;
      const repository = await syncStateStore.getRepository(environment.repository);
      if (!repository?.lastCommit) continue; // nothing synced yet
      const own = releases.filter(r => r.environment === environment.name);
      const outcome = await new EnvironmentApply({
        environment,
        prune: setting.prune,
        lane: lanes.get(environment.name)!,
        pruneGuard: setting.pruneGuard ?? { maxShare: DEFAULT_PRUNE_MAX_SHARE },
        git: gitFor(environment.repository),
        clusterStateStore,
        eventStore,
        cluster: api,
        logger,
        signal,
      }).run({
        commit: repository.lastCommit,
        releases: own,
        environmentPaths: all
          .filter(env => env.repository === environment.repository)
          .map(env => env.path),
        previous: inventory,
      });
      noteApplied(outcome.upserted);
      count += outcome.applied + outcome.pruned;
      if (outcome.aborted) return { count, appliedAt, failures, aborted: true };
      for (const failure of outcome.failures) {
        logger.warn('Apply failed', {
          cluster: this.options.cluster,
          environment: environment.name,
          path: failure.sourcePath,
          error: failure.message,
        });
        // The releases of the file that failed carry the error.
        for (const release of own) {
          if (release.sourcePath === failure.sourcePath) {
            failures.set(stringifyGitopsReleaseKey(release), failure.message);
          }
        }
      }
      for (const key of outcome.reapplied) {
        if (!key.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) continue;
        try {
          await api.requestReconcile(key, at.toISOString());
        } catch (error) {
          if (error instanceof ClusterRequestError && !error.answered) throw error;
          const release = own.find(r => r.namespace === key.namespace && r.name === key.name);
          if (release) failures.set(stringifyGitopsReleaseKey(release), (error as Error).message);
        }
      }
    }
    return { count, appliedAt, failures, aborted: false };
  }

  /**
   * A HelmRelease we applied that the cluster no longer has (deleted by
   * hand, or a cluster rebuilt) is reported Missing now and re-applied on the
   * next cycle: the environment's inventory is forgotten, so its next apply
   * sends everything, Namespaces included. Drift of objects still there is
   * only reported.
   */
  private async forgetLostObjects(
    environments: GitopsEnvironment[],
    appliedAt: Map<string, string>,
    live: Awaited<ReturnType<ClusterReconciler['readCluster']>>,
  ): Promise<void> {
    const { settings, clusterStateStore, logger, cluster } = this.options;
    const present = new Set(
      [...live.helmReleases.values()].map(
        object => `${object.metadata.namespace}/${object.metadata.name}`,
      ),
    );
    for (const environment of environments) {
      if (!settings.get(environment.name)?.apply) continue;
      const lost = [...appliedAt.keys()].filter(key => {
        const [env, namespace, name] = key.split('/');
        // Only namespaces read this cycle tell: a release that left git (its
        // prune held back, say) is in none of them and is not lost.
        if (env !== environment.name || !live.read.has(namespace)) return false;
        if (live.namespaceErrors.has(namespace)) return false;
        return !present.has(`${namespace}/${name}`);
      });
      if (lost.length === 0) continue;
      logger.warn('Applied HelmReleases are gone from the cluster; applying the environment again', {
        cluster,
        environment: environment.name,
        missing: lost.join(','),
      });
      await clusterStateStore.forgetApplied(environment.name);
    }
  }

  /**
   * What this cycle may read: each release only in the namespaces its
   * environment owns on this cluster (the lanes apply uses, whether or not
   * the environment applies).
   */
  private planRead(
    environments: GitopsEnvironment[],
    releases: ReleaseRecord[],
  ): ClusterReadPlan {
    const lanes = applyLanes(
      environments.map(env => ({
        name: env.name,
        namespaces: ownedNamespaces({
          name: env.name,
          namespaces: this.options.settings.get(env.name)?.namespaces,
        }),
        clusterScopedKinds: [],
      })),
    );
    return planClusterRead(releases, lanes);
  }

  /** Lists per namespace; returns what was read and the namespaces that failed. */
  private async readCluster(plan: ClusterReadPlan): Promise<{
    /** The namespaces listed. */
    read: Set<string>;
    helmReleases: Map<string, ClusterHelmRelease>;
    histories: Map<string, HelmRevision[]>;
    undecodable: Map<string, string>;
    namespaceErrors: Map<string, string>;
    /** Releases not read, with the reason. */
    refused: Map<string, string>;
  }> {
    const { api, logger, cluster } = this.options;
    const { namespaces, helmReleases: wanted } = plan;
    const helmReleases = new Map<string, ClusterHelmRelease>();
    const revisions: HelmRevision[] = [];
    const undecodable = new Map<string, string>();
    const namespaceErrors = new Map<string, string>();
    let unreachable: ClusterRequestError | undefined;
    await Promise.all(
      [...namespaces].map(namespace =>
        this.namespaceReads.run(async () => {
          try {
            const [objects, secrets] = await Promise.all([
              api.listHelmReleases(namespace),
              api.listHelmSecrets(namespace),
            ]);
            for (const object of objects) {
              helmReleases.set(
                `${groupOf(object.apiVersion)}|${namespace}|${object.metadata.name}`,
                object,
              );
            }
            for (const secret of secrets) {
              // Other Helm releases of the namespace are not ours to decode:
              // their values stay in the cluster.
              const labelled = secret.metadata?.labels?.name;
              if (labelled && !wanted.has(helmReleaseKey(namespace, labelled))) continue;
              try {
                const revision = this.revisions.decode(secret);
                if (wanted.has(helmReleaseKey(revision.namespace, revision.name))) {
                  revisions.push(revision);
                }
              } catch (error) {
                const release = secret.metadata?.labels?.name;
                if (release) {
                  undecodable.set(helmReleaseKey(namespace, release), (error as Error).message);
                }
                logger.warn('Unreadable Helm release secret', {
                  cluster,
                  namespace,
                  error: (error as Error).message,
                });
              }
            }
          } catch (error) {
            if (error instanceof ClusterRequestError && !error.answered) {
              unreachable = error;
            }
            namespaceErrors.set(namespace, (error as Error).message);
          }
        }),
      ),
    );
    this.revisions.endCycle();
    if (unreachable) throw unreachable;
    return {
      read: namespaces,
      helmReleases,
      histories: helmHistories(revisions),
      undecodable,
      namespaceErrors,
      refused: plan.refused,
    };
  }

  private async assess(
    releases: ReleaseRecord[],
    live: Awaited<ReturnType<ClusterReconciler['readCluster']>>,
    applied: Awaited<ReturnType<ClusterReconciler['applyEnvironments']>>,
    at: Date,
  ): Promise<{
    statuses: ReleaseStatusRecord[];
    removed: GitopsReleaseKey[];
    histories: HelmHistoryRecord[];
    events: NewEvent[];
  }> {
    const { cluster, clusterStateStore, gracePeriodMs } = this.options;
    const previous = new Map(
      (await clusterStateStore.listReleaseStatuses(cluster)).map(s => [stringifyGitopsReleaseKey(s), s]),
    );
    const statuses: ReleaseStatusRecord[] = [];
    const histories: HelmHistoryRecord[] = [];
    const events: NewEvent[] = [];
    const seen = new Set<string>();

    for (const release of releases) {
      const key: GitopsReleaseKey = {
        environment: release.environment,
        namespace: release.namespace,
        name: release.name,
      };
      const text = stringifyGitopsReleaseKey(key);
      seen.add(text);
      const before = previous.get(text);
      const storage = helmStorageNamespace(release);
      const refused = live.refused.get(text);
      const readError =
        refused ??
        live.namespaceErrors.get(release.namespace) ??
        live.namespaceErrors.get(storage);
      if (readError) {
        // Keep the last known state; only say it could not be refreshed. A
        // refused release keeps no differences: they came from a read that is
        // no longer allowed.
        const status: ReleaseStatusRecord = {
          ...(before ?? {
            ...key,
            cluster,
            state: 'Missing' as const,
            reason: 'not read from the cluster yet',
            differences: [],
          }),
          ...(refused ? { differences: [] } : {}),
          error: readError,
          errorAt: before?.error === readError ? (before.errorAt ?? at.toISOString()) : at.toISOString(),
        };
        if (!before || !sameStatus(before, status)) statuses.push(status);
        continue;
      }

      const history =
        live.histories.get(helmReleaseKey(storage, release.releaseName)) ?? [];
      const assessment = assessRelease({
        desired: {
          apiVersion: release.apiVersion,
          namespace: release.namespace,
          name: release.name,
          releaseName: release.releaseName,
          chartVersion: release.chartVersion,
          values: (release.spec.values as Record<string, unknown>) ?? {},
          spec: release.spec,
        },
        live: live.helmReleases.get(
          `${groupOf(release.apiVersion)}|${release.namespace}|${release.name}`,
        ) as Parameters<typeof assessRelease>[0]['live'],
        history,
        appliedAt: applied.appliedAt.get(text),
        now: at,
        gracePeriodMs,
      });
      const newest = history[history.length - 1];
      const problem =
        applied.failures.get(text) ??
        live.undecodable.get(helmReleaseKey(storage, release.releaseName));
      const status: ReleaseStatusRecord = {
        ...key,
        cluster,
        state: assessment.state,
        reason: assessment.reason,
        differences: assessment.differences,
        ...(assessment.revision !== undefined ? { revision: assessment.revision } : {}),
        ...(assessment.chartVersion ? { chartVersion: assessment.chartVersion } : {}),
        ...(newest?.appVersion ? { appVersion: newest.appVersion } : {}),
        ...(assessment.deployedAt ? { deployedAt: assessment.deployedAt } : {}),
        ...(assessment.since ? { since: assessment.since } : {}),
        ...(problem
          ? { error: problem, errorAt: before?.error === problem ? (before.errorAt ?? at.toISOString()) : at.toISOString() }
          : {}),
      };
      if (!before || !sameStatus(before, status)) statuses.push(status);
      if (
        !before ||
        before.revision !== status.revision ||
        before.deployedAt !== status.deployedAt ||
        before.state !== status.state
      ) {
        histories.push({ ...key, cluster, revisions: toHelmRevisions(history) });
      }
      if (before?.state !== status.state) {
        events.push({
          type: 'release-state',
          repository: release.repository,
          ...key,
          message: before
            ? `${before.state} -> ${status.state}: ${status.reason}`
            : `${status.state}: ${status.reason}`,
          details: {
            cluster,
            from: before?.state ?? null,
            to: status.state,
            ...(status.revision !== undefined ? { revision: status.revision } : {}),
          },
          at,
        });
      }
    }
    const removed = [...previous.values()]
      .filter(status => !seen.has(stringifyGitopsReleaseKey(status)))
      .map(({ environment, namespace, name }) => ({ environment, namespace, name }));
    return { statuses, removed, histories, events };
  }
}

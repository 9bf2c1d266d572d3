import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GitopsEnvironment,
  stringifyGitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';
import { ClusterApi } from '../cluster';
import {
  DEFAULT_PRUNE_MAX_SHARE,
  EnvironmentConfig,
  ownedNamespaces,
} from '../config';
import {
  AppliedObjectRecord,
  ClusterStateStore,
  EventStore,
  ReleaseRecord,
  SyncStateStore,
} from '../database';
import { GitRepository } from '../git';
import { answersReconcileRequests, errorMessage } from '../kernel';
import { applyLanes } from './applyLane';
import { unreachable } from './clusterFailures';
import { EnvironmentApply } from './EnvironmentApply';

/** How an environment on this cluster is reconciled; unset fields take their documented defaults. */
export type ClusterEnvironmentSettings = Pick<
  EnvironmentConfig,
  'apply' | 'prune' | 'namespaces' | 'clusterScopedKinds' | 'pruneGuard'
>;

/** What applying one cluster's environments needs; the cluster reconciler passes its own. */
export type ApplyEnvironmentsOptions = {
  cluster: string;
  api: ClusterApi;
  settings: Map<string, ClusterEnvironmentSettings>;
  /** A git mirror per repository, for reading what to apply. */
  gitFor: (repositoryId: string) => GitRepository;
  syncStateStore: SyncStateStore;
  clusterStateStore: ClusterStateStore;
  /** Events of applies and prunes. */
  eventStore: EventStore;
  logger: LoggerService;
};

/** What applying a cluster's environments did, for the releases' statuses. */
export type AppliedEnvironments = {
  /** Objects applied and pruned. */
  count: number;
  /** When each HelmRelease was last applied, by release key. */
  appliedAt: Map<string, string>;
  /** Why a release's file could not be applied, by release key. */
  failures: Map<string, string>;
  aborted: boolean;
};

/**
 * Applies each opted-in environment of one cluster (`EnvironmentApply`),
 * each in its lane; returns per release when it was applied or why it failed.
 */
export async function applyEnvironments(
  options: ApplyEnvironmentsOptions,
  input: {
    /** Every environment, for the folders of each repository. */
    all: GitopsEnvironment[];
    /** The environments of this cluster. */
    environments: GitopsEnvironment[];
    releases: ReleaseRecord[];
    at: Date;
    signal?: AbortSignal;
  },
): Promise<AppliedEnvironments> {
  const {
    api,
    settings,
    syncStateStore,
    clusterStateStore,
    eventStore,
    gitFor,
    logger,
  } = options;
  const { all, environments, releases, at, signal } = input;
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
          namespaces: ownedNamespaces({
            name: env.name,
            namespaces: setting.namespaces,
          }),
          clusterScopedKinds: setting.clusterScopedKinds ?? [],
        };
      }),
  );
  for (const environment of environments) {
    if (signal?.aborted) return { count, appliedAt, failures, aborted: true };
    const inventory = await clusterStateStore.getAppliedObjects(
      environment.name,
    );
    const noteApplied = (objects: AppliedObjectRecord[]) => {
      for (const object of objects) {
        if (object.kind !== 'HelmRelease') continue;
        appliedAt.set(
          stringifyGitopsReleaseKey({
            ...object,
            environment: environment.name,
          }),
          object.appliedAt,
        );
      }
    };
    noteApplied(inventory.objects);
    const setting = settings.get(environment.name);
    if (!setting?.apply) continue;
    const repository = await syncStateStore.getRepository(
      environment.repository,
    );
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
        cluster: options.cluster,
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
      if (!answersReconcileRequests(key.apiVersion)) continue;
      try {
        await api.requestReconcile(key, at.toISOString());
      } catch (error) {
        if (unreachable(error)) throw error;
        const release = own.find(
          r => r.namespace === key.namespace && r.name === key.name,
        );
        if (release)
          failures.set(stringifyGitopsReleaseKey(release), errorMessage(error));
      }
    }
  }
  return { count, appliedAt, failures, aborted: false };
}

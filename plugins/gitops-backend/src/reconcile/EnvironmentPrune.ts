import { LoggerService } from '@backstage/backend-plugin-api';
import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { ClusterApi, describeKey, fieldManagerOf } from '../cluster';
import { PruneGuardConfig } from '../config';
import {
  AppliedObjectKey,
  AppliedObjectRecord,
  ApplyProblemRecord,
  ClusterStateStore,
  EventStore,
} from '../database';
import { GitCommitInfo, GitRepository } from '../git';
import { errorMessage } from '../kernel';
import { ApplyFailure, unreachable } from './clusterFailures';
import { appliedObjectKey } from './environmentObjects';
import { confirmedFor, pruneNeedsConfirmation } from './pruneGuard';
import { notOurs } from './pruneOwnership';

/** Objects a held prune names in its message; the rest are counted. */
const HELD_OBJECTS_SHOWN = 5;

/** What pruning one environment needs; `EnvironmentApply` passes its own options on. */
export type EnvironmentPruneOptions = {
  environment: GitopsEnvironment;
  pruneGuard: PruneGuardConfig;
  git: GitRepository;
  clusterStateStore: ClusterStateStore;
  eventStore: EventStore;
  cluster: ClusterApi;
  logger: LoggerService;
  signal?: AbortSignal;
};

/**
 * The delete half of an environment's apply, run only after a whole, clean
 * apply: the guard that holds a large deletion until it is confirmed, and
 * the deletion of each object that is still the environment's.
 */
export class EnvironmentPrune {
  constructor(private readonly options: EnvironmentPruneOptions) {}

  /**
   * The guard: a deletion of more than the configured share of the
   * environment's objects waits until it is confirmed (config, or the
   * prune-confirmations action for this commit and these objects). Returns
   * the problem that says why it waits; undefined when it may go ahead. Asks
   * only the store, never the cluster.
   */
  async holdBack(
    prunable: AppliedObjectRecord[],
    applied: AppliedObjectRecord[],
    commit: string,
  ): Promise<ApplyProblemRecord | undefined> {
    const { environment, clusterStateStore, pruneGuard, logger } = this.options;
    const total = applied.filter(o => o.kind !== 'Namespace').length;
    const held = await clusterStateStore.getHeldPrune(environment.name);
    const objects = prunable.map(appliedObjectKey);
    if (
      !pruneNeedsConfirmation(prunable.length, total, pruneGuard.maxShare) ||
      pruneGuard.confirmedCommit === commit ||
      confirmedFor(held, commit, objects)
    ) {
      if (held) await clusterStateStore.releaseHeldPrune(environment.name);
      return undefined;
    }
    await clusterStateStore.holdPrune({
      environment: environment.name,
      commit,
      objects,
      total,
      heldAt: new Date().toISOString(),
    });
    const shown = objects
      .slice(0, HELD_OBJECTS_SHOWN)
      .map(describeKey)
      .join('; ');
    const more =
      objects.length > HELD_OBJECTS_SHOWN
        ? ` and ${objects.length - HELD_OBJECTS_SHOWN} more`
        : '';
    const message = `Prune held back: commit ${commit.slice(
      0,
      12,
    )} would delete ${
      prunable.length
    } of ${total} applied objects (${shown}${more}), more than ${Math.round(
      pruneGuard.maxShare * 100,
    )}% allowed without a confirmation. Nothing is deleted until it is confirmed (POST /environments/${
      environment.name
    }/prune-confirmations, or gitops.environments[].pruneGuard.confirmedCommit).`;
    logger.warn('Prune held back', {
      environment: environment.name,
      commit,
      deleting: prunable.length,
      of: total,
    });
    return { source: 'prune', path: environment.path, message, commit };
  }

  /**
   * Deletes what left git, each object only while it is still ours (read
   * first, then deleted with the uid and resourceVersion read). An object
   * someone else took over leaves the inventory with a problem; every
   * deletion is an event naming the commit that removed it.
   */
  async prune(
    prunable: AppliedObjectRecord[],
    previousCommit: string | undefined,
    commit: string,
    fail: (failure: ApplyFailure, source: 'prune') => void,
  ): Promise<{
    deleted: number;
    forgotten: AppliedObjectKey[];
    notOurs: ApplyProblemRecord[];
    aborted: boolean;
  }> {
    const { environment, cluster, eventStore, logger, signal } = this.options;
    const marks = {
      repository: environment.repository,
      environment: environment.name,
      fieldManager: fieldManagerOf(environment.name),
    };
    const result = {
      deleted: 0,
      forgotten: [] as AppliedObjectKey[],
      notOurs: [] as ApplyProblemRecord[],
      aborted: false,
    };
    const removedBy = this.removingCommits(previousCommit, commit);
    for (const object of prunable) {
      if (signal?.aborted) {
        result.aborted = true;
        break;
      }
      const key = appliedObjectKey(object);
      try {
        const live = await cluster.read(key);
        if (!live) {
          result.forgotten.push(key);
          continue;
        }
        const foreign = notOurs(live, marks);
        if (foreign) {
          logger.warn('Not pruned: no longer ours', {
            environment: environment.name,
            object: describeKey(key),
            reason: foreign,
          });
          result.forgotten.push(key);
          result.notOurs.push({
            source: 'prune',
            path: object.sourcePath,
            object: describeKey(key),
            message: foreign,
            commit,
          });
          continue;
        }
        const gone = await cluster.remove(key, {
          uid: live.uid,
          resourceVersion: live.resourceVersion,
        });
        result.forgotten.push(key);
        if (gone === 'gone') continue;
        result.deleted++;
        const by = await removedBy(object.sourcePath);
        logger.info('Pruned', {
          environment: environment.name,
          object: describeKey(key),
          commit: by.sha,
          author: by.authorName,
        });
        await eventStore.addEvents([
          {
            type: 'object-pruned',
            repository: environment.repository,
            environment: environment.name,
            ...(object.kind === 'HelmRelease'
              ? { namespace: key.namespace, name: key.name }
              : {}),
            commit: by.sha,
            author: by.authorName,
            message: `Pruned ${describeKey(key)}: removed from ${
              object.sourcePath
            } in ${by.sha.slice(0, 7)} by ${by.authorName}`,
            details: { object: describeKey(key), path: object.sourcePath },
            at: new Date(),
          },
        ]);
      } catch (error) {
        if (unreachable(error)) throw error;
        // A 409 here means the object changed since it was read: retried next cycle.
        fail(
          { key, sourcePath: object.sourcePath, message: errorMessage(error) },
          'prune',
        );
      }
    }
    return result;
  }

  /**
   * The commit that removed each file's objects: the newest change of the
   * file since the last applied commit (git log), or the head when that
   * commit is not an ancestor (a force-push) or unknown.
   */
  private removingCommits(
    previousCommit: string | undefined,
    commit: string,
  ): (path: string) => Promise<GitCommitInfo> {
    const { git } = this.options;
    const found = new Map<string, Promise<GitCommitInfo>>();
    const linear = (async () =>
      previousCommit !== undefined &&
      (await git.hasCommit(previousCommit)) &&
      (await git.isAncestor(previousCommit, commit)))();
    return path => {
      let info = found.get(path);
      if (!info) {
        info = (async () =>
          ((await linear)
            ? await git.lastChange(previousCommit!, commit, path)
            : undefined) ?? (await git.commitInfo(commit)))();
        found.set(path, info);
      }
      return info;
    };
  }
}

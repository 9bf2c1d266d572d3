import { LoggerService } from '@backstage/backend-plugin-api';
import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import {
  AppliedObjectKey,
  AppliedObjectRecord,
  ApplyProblemRecord,
  ClusterStateStore,
} from '../database/ClusterStateStore';
import { EventStore } from '../database/EventStore';
import { ReleaseRecord } from '../database/SyncStateStore';
import { ClusterRequestError } from '../cluster/ClusterRequestError';
import {
  ClusterApi,
  describeKey,
  environmentOfFieldManager,
  fieldManagerOf,
  LEGACY_FIELD_MANAGER,
} from '../cluster/KubernetesCluster';
import { PruneGuardConfig } from '../config/GitopsConfig';
import { GitCommitInfo, GitRepository } from '../git';
import { isManifestPath, parseManifestFile } from '../manifests';
import { ApplyLane, laneRefusal } from './applyLane';
import {
  applyOrder,
  DesiredObject,
  desiredObjects,
  objectKeyOf,
} from './environmentObjects';
import { confirmedFor, pruneNeedsConfirmation } from './pruneGuard';
import { notOurs } from './pruneOwnership';

/** An object that could not be applied or pruned, with its file. */
export type ApplyFailure = { key: AppliedObjectKey; sourcePath: string; message: string };

/** What one apply did; failures name the object and its file. */
export type ApplyOutcome = {
  /** The commit the environment now holds everything of; unset when anything failed or waits. */
  commit?: string;
  applied: number;
  pruned: number;
  failures: ApplyFailure[];
  /** What was applied now, as recorded in the inventory. */
  upserted: AppliedObjectRecord[];
  /**
   * HelmReleases that existed and changed. helm-controller acts on spec
   * changes and on reconcile requests only, so a new chart under the same
   * spec (an annotation change) needs a request to be upgraded.
   */
  reapplied: AppliedObjectKey[];
  /** Set when the scheduler's signal stopped the apply. */
  aborted?: boolean;
};

/** Cluster answers can be long (webhook denials); a problem keeps this much. */
const MAX_MESSAGE_LENGTH = 2000;
/** Objects a held prune names in its message; the rest are counted. */
const HELD_OBJECTS_SHOWN = 5;

function under(path: string, folder: string): boolean {
  return path.startsWith(`${folder}/`);
}

/**
 * Server-side applies one environment's manifests to its cluster, with the
 * environment's own field manager, and prunes what left git when the
 * environment opts in.
 *
 * Work follows what changed: nothing happens while the synced commit is the
 * one last applied; after a push only the changed files are read and only
 * objects whose content changed are sent. The inventory of applied objects is
 * kept in the store, so prune deletes exactly what we applied. Namespace
 * manifests that live outside environment folders (the seed's `namespaces/`)
 * are applied for the namespaces the environment owns and uses. Namespaces
 * are never pruned: deleting one would delete everything in it.
 *
 * Nothing is deleted on a partial picture, as Flux garbage-collects only
 * after a whole apply: a file that does not read cleanly keeps its objects
 * (applied and in the inventory), and while any file is unreadable or any
 * object fails, nothing is pruned and the commit is not recorded, so the next
 * cycle tries again. Prune deletes only live objects that still carry the
 * environment's marks and field manager, and a deletion larger than the
 * guard allows waits for a confirmation.
 */
export class EnvironmentApply {
  constructor(
    private readonly options: {
      environment: GitopsEnvironment;
      prune: boolean;
      /** Where the environment may write. */
      lane: ApplyLane;
      pruneGuard: PruneGuardConfig;
      git: GitRepository;
      clusterStateStore: ClusterStateStore;
      eventStore: EventStore;
      cluster: ClusterApi;
      logger: LoggerService;
      signal?: AbortSignal;
    },
  ) {}

  async run(input: {
    commit: string;
    /** The releases git sync stored for this environment at `commit`. */
    releases: ReleaseRecord[];
    /** Folders of every environment of the repository. */
    environmentPaths: string[];
    /** The environment's inventory as stored. */
    previous: { commit?: string; objects: AppliedObjectRecord[] };
  }): Promise<ApplyOutcome> {
    const { environment, git, clusterStateStore, lane, logger } = this.options;
    const { commit, releases, previous } = input;
    const outcome: ApplyOutcome = {
      applied: 0,
      pruned: 0,
      failures: [],
      upserted: [],
      reapplied: [],
    };
    if (previous.commit === commit) return { ...outcome, commit };

    if (!(await git.hasCommit(commit))) await git.fetch();
    const inventory = new Map(previous.objects.map(o => [objectKeyOf(o), o]));
    const files = await this.filesToRead(input, previous.commit, inventory);

    const releaseByKey = new Map(releases.map(r => [`${r.namespace}/${r.name}`, r]));
    const contents = await git.readFiles(commit, [...files.read]);
    const marks = { repository: environment.repository, environment: environment.name };
    const desired: DesiredObject[] = [];
    // Files that did not read cleanly; git sync reports why.
    const unread = new Set<string>();
    for (const path of files.read) {
      const content = contents.get(path);
      const parsed = Buffer.isBuffer(content) ? parseManifestFile(path, content) : undefined;
      if (!parsed?.complete) {
        unread.add(path);
        continue;
      }
      const objects = desiredObjects(parsed, marks, (ns, name) =>
        releaseByKey.get(`${ns}/${name}`),
      );
      if (under(path, environment.path)) {
        desired.push(...objects);
      } else {
        // Outside environment folders only the Namespaces this environment owns and uses count.
        desired.push(
          ...objects.filter(
            o => o.kind === 'Namespace' && files.namespaces.has(o.name) && lane.namespaces.has(o.name),
          ),
        );
      }
    }
    // An unreadable file matters when it is ours or held something we applied.
    const partial = [...unread].filter(
      path =>
        under(path, environment.path) || previous.objects.some(o => o.sourcePath === path),
    );

    const problems: ApplyProblemRecord[] = [];
    const fail = (failure: ApplyFailure, source: 'apply' | 'prune') => {
      const message = failure.message.slice(0, MAX_MESSAGE_LENGTH);
      outcome.failures.push({ ...failure, message });
      problems.push({
        source,
        path: failure.sourcePath,
        object: describeKey(failure.key),
        message,
        commit,
      });
    };

    // A namespace claimed twice is a configuration problem on every claimant, objects or not.
    for (const [namespace, claims] of lane.contested) {
      problems.push({
        source: 'apply',
        path: environment.path,
        message: `Namespace ${namespace} is claimed by environments ${claims.join(' and ')} on one cluster; neither applies to it until gitops.environments[].namespaces gives it to one`,
        commit,
      });
    }

    const changed = desired
      .filter(o => inventory.get(objectKeyOf(o))?.digest !== o.digest)
      .sort((a, b) => applyOrder(a.kind) - applyOrder(b.kind));
    for (const object of changed) {
      const key = keyOf(object);
      const refusal = laneRefusal(object, lane);
      if (refusal) {
        fail({ key, sourcePath: object.sourcePath, message: refusal }, 'apply');
        continue;
      }
      if (this.options.signal?.aborted) {
        outcome.aborted = true;
        break;
      }
      try {
        await this.applyObject(object);
        outcome.applied++;
        outcome.upserted.push({
          ...key,
          sourcePath: object.sourcePath,
          digest: object.digest,
          appliedAt: new Date().toISOString(),
        });
        if (inventory.has(objectKeyOf(object)) && object.kind === 'HelmRelease') {
          outcome.reapplied.push(key);
        }
      } catch (error) {
        if (unreachable(error)) throw error;
        fail({ key, sourcePath: object.sourcePath, message: (error as Error).message }, 'apply');
        problems.push(...this.conflictsOfOthers(error, key, object.sourcePath, commit));
      }
    }

    // Prune only on a whole picture: every file read and every object applied.
    const whole =
      partial.length === 0 &&
      outcome.failures.length === 0 &&
      lane.contested.size === 0 &&
      !outcome.aborted;
    const forgotten: AppliedObjectKey[] = [];
    let waiting = !whole;
    if (whole) {
      const desiredKeys = new Set(desired.map(objectKeyOf));
      const removed = previous.objects.filter(
        o =>
          (files.read.has(o.sourcePath) || files.deleted.has(o.sourcePath)) &&
          !desiredKeys.has(objectKeyOf(o)),
      );
      const prunable = this.options.prune ? removed.filter(o => o.kind !== 'Namespace') : [];
      // What is not deleted (Namespaces, or prune is off) simply leaves the inventory.
      forgotten.push(...removed.filter(o => !prunable.includes(o)).map(keyOf));
      if (prunable.length > 0) {
        const held = await this.holdBack(prunable, previous.objects, commit);
        if (held) {
          problems.push(held);
          waiting = true;
        } else {
          const pruned = await this.prune(prunable, previous.commit, commit, fail);
          forgotten.push(...pruned.forgotten);
          problems.push(...pruned.notOurs);
          outcome.pruned = pruned.deleted;
          if (pruned.aborted) outcome.aborted = true;
          waiting = pruned.aborted || outcome.failures.length > 0;
        }
      }
    } else if (partial.length > 0) {
      logger.warn('Not pruning: files do not read cleanly', {
        environment: environment.name,
        commit,
        paths: partial.join(','),
      });
    }

    if (!waiting) outcome.commit = commit;
    await clusterStateStore.recordApply({
      environment: environment.name,
      commit: outcome.commit,
      upserted: outcome.upserted,
      removed: forgotten,
      problems: { repositoryId: environment.repository, items: problems },
    });
    return outcome;
  }

  /**
   * Server-side apply with the environment's field manager. Fields that only
   * the legacy shared manager holds are taken over once, with force: they
   * are ours from before each environment had a manager of its own.
   */
  private async applyObject(object: DesiredObject): Promise<void> {
    const { cluster, environment, logger } = this.options;
    const fieldManager = fieldManagerOf(environment.name);
    try {
      await cluster.apply(object.object, { fieldManager });
    } catch (error) {
      const managers = conflictingManagers(error);
      if (managers.length === 0 || managers.some(m => m !== LEGACY_FIELD_MANAGER)) throw error;
      logger.info('Taking over fields of the legacy field manager', {
        environment: environment.name,
        object: describeKey(object),
        fieldManager,
      });
      await cluster.apply(object.object, { fieldManager, force: true });
    }
  }

  /**
   * A conflict with another environment's field manager concerns that
   * environment too: two environments write one object, and the one that
   * applied first would otherwise never hear of it.
   */
  private conflictsOfOthers(
    error: unknown,
    key: AppliedObjectKey,
    sourcePath: string,
    commit: string,
  ): ApplyProblemRecord[] {
    const { environment } = this.options;
    const others = conflictingManagers(error)
      .map(environmentOfFieldManager)
      .filter((name): name is string => !!name && name !== environment.name);
    return [...new Set(others)].map(other => ({
      environment: other,
      source: 'apply' as const,
      path: sourcePath,
      object: describeKey(key),
      message: `Environment ${environment.name} (${sourcePath}) also writes this object and conflicts with what ${other} applied; one object belongs to one environment`,
      commit,
    }));
  }

  /**
   * The guard: a deletion of more than the configured share of the
   * environment's objects waits until it is confirmed (config, or the
   * prune-confirmations action for this commit and these objects). Returns
   * the problem that says why it waits; undefined when it may go ahead. Asks
   * only the store, never the cluster.
   */
  private async holdBack(
    prunable: AppliedObjectRecord[],
    applied: AppliedObjectRecord[],
    commit: string,
  ): Promise<ApplyProblemRecord | undefined> {
    const { environment, clusterStateStore, pruneGuard, logger } = this.options;
    const total = applied.filter(o => o.kind !== 'Namespace').length;
    const held = await clusterStateStore.getHeldPrune(environment.name);
    const objects = prunable.map(keyOf);
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
    const shown = objects.slice(0, HELD_OBJECTS_SHOWN).map(describeKey).join('; ');
    const more = objects.length > HELD_OBJECTS_SHOWN ? ` and ${objects.length - HELD_OBJECTS_SHOWN} more` : '';
    const message = `Prune held back: commit ${commit.slice(0, 12)} would delete ${prunable.length} of ${total} applied objects (${shown}${more}), more than ${Math.round(pruneGuard.maxShare * 100)}% allowed without a confirmation. Nothing is deleted until it is confirmed (POST /environments/${environment.name}/prune-confirmations, or gitops.environments[].pruneGuard.confirmedCommit).`;
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
  private async prune(
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
    const result = { deleted: 0, forgotten: [] as AppliedObjectKey[], notOurs: [] as ApplyProblemRecord[], aborted: false };
    const removedBy = this.removingCommits(previousCommit, commit);
    for (const object of prunable) {
      if (signal?.aborted) {
        result.aborted = true;
        break;
      }
      const key = keyOf(object);
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
            ...(object.kind === 'HelmRelease' ? { namespace: key.namespace, name: key.name } : {}),
            commit: by.sha,
            author: by.authorName,
            message: `Pruned ${describeKey(key)}: removed from ${object.sourcePath} in ${by.sha.slice(0, 7)} by ${by.authorName}`,
            details: { object: describeKey(key), path: object.sourcePath },
            at: new Date(),
          },
        ]);
      } catch (error) {
        if (unreachable(error)) throw error;
        // A 409 here means the object changed since it was read: retried next cycle.
        fail({ key, sourcePath: object.sourcePath, message: (error as Error).message }, 'prune');
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
          ((await linear) ? await git.lastChange(previousCommit!, commit, path) : undefined) ??
          (await git.commitInfo(commit)))();
        found.set(path, info);
      }
      return info;
    };
  }

  /**
   * The files whose objects may have changed: after a known commit, the diff
   * (plus releases whose chart folder changed); otherwise, and whenever the
   * environment needs a namespace not applied yet, the whole folder.
   */
  private async filesToRead(
    input: { commit: string; releases: ReleaseRecord[]; environmentPaths: string[] },
    previousCommit: string | undefined,
    inventory: Map<string, AppliedObjectRecord>,
  ): Promise<{ read: Set<string>; deleted: Set<string>; namespaces: Set<string> }> {
    const { environment, git } = this.options;
    const { commit, releases, environmentPaths } = input;
    const chartFolders = new Set(
      releases.map(r => r.chartPath).filter((p): p is string => !!p),
    );
    const outsideEnvironments = (path: string) =>
      isManifestPath(path) &&
      !environmentPaths.some(folder => under(path, folder)) &&
      ![...chartFolders].some(folder => under(path, folder));

    const namespaces = new Set(releases.map(r => r.namespace));
    for (const object of inventory.values()) {
      if (object.namespace) namespaces.add(object.namespace);
    }
    const appliedNamespaces = new Set(
      [...inventory.values()].filter(o => o.kind === 'Namespace').map(o => o.name),
    );
    const needsNamespace = [...namespaces].some(ns => !appliedNamespaces.has(ns));

    const read = new Set<string>();
    const deleted = new Set<string>();
    const incremental =
      previousCommit !== undefined &&
      !needsNamespace &&
      (await git.hasCommit(previousCommit)) &&
      (await git.isAncestor(previousCommit, commit));
    if (incremental) {
      const changes = await git.diff(previousCommit, commit);
      for (const change of changes) {
        if (change.oldPath) deleted.add(change.oldPath);
        if (change.status === 'D') deleted.add(change.path);
        else if (under(change.path, environment.path) || outsideEnvironments(change.path)) {
          if (isManifestPath(change.path)) read.add(change.path);
        }
        for (const release of releases) {
          if (release.chartPath && under(change.path, release.chartPath)) {
            read.add(release.sourcePath);
          }
        }
      }
    } else {
      for (const entry of await git.listTree(commit)) {
        if (entry.type !== 'blob' || entry.mode === '120000') continue;
        if (entry.path.endsWith('/Chart.yaml')) continue;
        if (under(entry.path, environment.path) && isManifestPath(entry.path)) {
          read.add(entry.path);
        } else if (outsideEnvironments(entry.path)) {
          read.add(entry.path);
        }
      }
      // Anything applied from a file that is gone has left git.
      for (const object of inventory.values()) {
        if (!read.has(object.sourcePath)) deleted.add(object.sourcePath);
      }
    }
    return { read, deleted, namespaces };
  }
}

/**
 * The field managers a server-side apply conflicted with, from the API
 * server's 409 message (`conflict with "manager" using ...`); none for any
 * other failure.
 */
function conflictingManagers(error: unknown): string[] {
  if (!(error instanceof ClusterRequestError) || error.status !== 409) return [];
  return [...error.message.matchAll(/conflicts? with "([^"]+)"/g)].map(match => match[1]);
}

/** A cluster that does not answer fails the whole cycle, not one object. */
function unreachable(error: unknown): boolean {
  return error instanceof ClusterRequestError && !error.answered;
}

function keyOf(object: AppliedObjectKey): AppliedObjectKey {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.namespace,
    name: object.name,
  };
}

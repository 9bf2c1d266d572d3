import { changesSince, planReads } from '../changes';
import {
  describeKey,
  environmentOfFieldManager,
  fieldManagerOf,
  LEGACY_FIELD_MANAGER,
} from '../cluster';
import {
  AppliedObjectKey,
  AppliedObjectRecord,
  ApplyProblemRecord,
  ReleaseRecord,
} from '../database';
import { errorMessage } from '../kernel';
import {
  isManifestPath,
  KUSTOMIZATION_FILE_NAMES,
  parseManifestFile,
} from '../manifests';
import { ApplyLane, laneRefusal } from './applyLane';
import {
  ApplyFailure,
  conflictingManagers,
  unreachable,
} from './clusterFailures';
import {
  appliedObjectKey,
  applyOrder,
  DesiredObject,
  desiredObjects,
  objectKeyOf,
} from './environmentObjects';
import { EnvironmentPrune, EnvironmentPruneOptions } from './EnvironmentPrune';

export type { ApplyFailure } from './clusterFailures';

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
    private readonly options: EnvironmentPruneOptions & {
      prune: boolean;
      /** Where the environment may write. */
      lane: ApplyLane;
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
    const overlay = await this.kustomizationIn(commit);
    if (overlay) {
      // Its files are a kustomize build's input (patches are partial
      // objects), not objects: applying them as written would be wrong, and
      // only kustomize-controller builds them. Nothing is applied or pruned.
      await clusterStateStore.recordApply({
        environment: environment.name,
        upserted: [],
        removed: [],
        problems: {
          repositoryId: environment.repository,
          items: [
            {
              source: 'apply',
              path: overlay,
              message: `${environment.path} is a kustomize overlay (${overlay}): Flux's kustomize-controller builds and applies it, so this environment needs apply: false; nothing was applied or pruned`,
              commit,
            },
          ],
        },
      });
      return outcome;
    }
    const inventory = new Map(previous.objects.map(o => [objectKeyOf(o), o]));
    const files = await this.filesToRead(input, previous.commit, inventory);

    const releaseByKey = new Map(
      releases.map(r => [`${r.namespace}/${r.name}`, r]),
    );
    const contents = await git.readFiles(commit, [...files.read]);
    const marks = {
      repository: environment.repository,
      environment: environment.name,
    };
    const desired: DesiredObject[] = [];
    // Files that did not read cleanly; git sync reports why.
    const unread = new Set<string>();
    for (const path of files.read) {
      const content = contents.get(path);
      const parsed = Buffer.isBuffer(content)
        ? parseManifestFile(path, content)
        : undefined;
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
            o =>
              o.kind === 'Namespace' &&
              files.namespaces.has(o.name) &&
              lane.namespaces.has(o.name),
          ),
        );
      }
    }
    // An unreadable file matters when it is ours or held something we applied.
    const partial = [...unread].filter(
      path =>
        under(path, environment.path) ||
        previous.objects.some(o => o.sourcePath === path),
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
        message: `Namespace ${namespace} is claimed by environments ${claims.join(
          ' and ',
        )} on one cluster; neither applies to it until gitops.environments[].namespaces gives it to one`,
        commit,
      });
    }

    const changed = desired
      .filter(o => inventory.get(objectKeyOf(o))?.digest !== o.digest)
      .sort((a, b) => applyOrder(a.kind) - applyOrder(b.kind));
    for (const object of changed) {
      const key = appliedObjectKey(object);
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
        if (
          inventory.has(objectKeyOf(object)) &&
          object.kind === 'HelmRelease'
        ) {
          outcome.reapplied.push(key);
        }
      } catch (error) {
        if (unreachable(error)) throw error;
        fail(
          { key, sourcePath: object.sourcePath, message: errorMessage(error) },
          'apply',
        );
        problems.push(
          ...this.conflictsOfOthers(error, key, object.sourcePath, commit),
        );
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
      const prunable = this.options.prune
        ? removed.filter(o => o.kind !== 'Namespace')
        : [];
      // What is not deleted (Namespaces, or prune is off) simply leaves the inventory.
      forgotten.push(
        ...removed.filter(o => !prunable.includes(o)).map(appliedObjectKey),
      );
      if (prunable.length > 0) {
        const pruning = new EnvironmentPrune(this.options);
        const held = await pruning.holdBack(prunable, previous.objects, commit);
        if (held) {
          problems.push(held);
          waiting = true;
        } else {
          const pruned = await pruning.prune(
            prunable,
            previous.commit,
            commit,
            fail,
          );
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
      if (
        managers.length === 0 ||
        managers.some(m => m !== LEGACY_FIELD_MANAGER)
      )
        throw error;
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

  /** The environment folder's first kustomization file, when it has one. */
  private async kustomizationIn(commit: string): Promise<string | undefined> {
    const { environment, git } = this.options;
    const names = new Set<string>(KUSTOMIZATION_FILE_NAMES);
    const entries = await git.listTree(commit, environment.path);
    return entries.find(
      entry =>
        entry.type === 'blob' && names.has(entry.path.split('/').pop() ?? ''),
    )?.path;
  }

  /**
   * The files whose objects may have changed (`src/changes`): after a known
   * commit, the diff (plus releases whose chart folder changed); otherwise,
   * and whenever the environment needs a namespace not applied yet, the
   * whole folder.
   */
  private async filesToRead(
    input: {
      commit: string;
      releases: ReleaseRecord[];
      environmentPaths: string[];
    },
    previousCommit: string | undefined,
    inventory: Map<string, AppliedObjectRecord>,
  ): Promise<{
    read: Set<string>;
    deleted: Set<string>;
    namespaces: Set<string>;
  }> {
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
      [...inventory.values()]
        .filter(o => o.kind === 'Namespace')
        .map(o => o.name),
    );
    const needsNamespace = [...namespaces].some(
      ns => !appliedNamespaces.has(ns),
    );

    // A namespace not applied yet may be in any file: read them all.
    const changes = needsNamespace
      ? { full: true as const }
      : await changesSince(git, previousCommit, commit);
    const reads = (path: string) =>
      isManifestPath(path) &&
      (under(path, environment.path) || outsideEnvironments(path));
    const plan = await planReads(changes, {
      reads,
      listAll: async () =>
        (await git.listTree(commit))
          .filter(
            entry =>
              entry.type === 'blob' &&
              entry.mode !== '120000' &&
              !entry.path.endsWith('/Chart.yaml') &&
              reads(entry.path),
          )
          .map(entry => entry.path),
      chartUsers: async folders => {
        const changed = new Set(folders);
        return releases
          .filter(r => r.chartPath && changed.has(r.chartPath))
          .map(r => r.sourcePath);
      },
    });
    const read = plan.read;
    // After a full read, anything applied from a file that is gone has left git.
    const deleted = plan.full
      ? new Set(
          [...inventory.values()]
            .map(object => object.sourcePath)
            .filter(path => !read.has(path)),
        )
      : plan.removed;
    return { read, deleted, namespaces };
  }
}

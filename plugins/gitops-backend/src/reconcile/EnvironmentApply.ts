import { LoggerService } from '@backstage/backend-plugin-api';
import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import {
  AppliedObjectKey,
  AppliedObjectRecord,
  GitopsStore,
  ReleaseRecord,
} from '../database/GitopsStore';
import { ClusterRequestError } from '../cluster/ClusterRequestError';
import { ClusterApi, describeKey } from '../cluster/KubernetesCluster';
import { GitRepository } from '../git';
import { isManifestPath, parseManifestFile } from '../manifests';
import {
  applyOrder,
  DesiredObject,
  desiredObjects,
  objectKeyOf,
} from './environmentObjects';

/** What one apply did; failures name the object and its file. */
export type ApplyOutcome = {
  /** The commit the environment now holds everything of; unset when some objects failed. */
  commit?: string;
  applied: number;
  pruned: number;
  failures: Array<{ key: AppliedObjectKey; sourcePath: string; message: string }>;
  /** What was applied now, as recorded in the inventory. */
  upserted: AppliedObjectRecord[];
  /**
   * HelmReleases that existed and changed. helm-controller acts on spec
   * changes and on reconcile requests only, so a new chart under the same
   * spec (an annotation change) needs a request to be upgraded.
   */
  reapplied: AppliedObjectKey[];
};

function under(path: string, folder: string): boolean {
  return path.startsWith(`${folder}/`);
}

/**
 * Server-side applies one environment's manifests to its cluster, with our
 * own field manager, and prunes what left git when the environment opts in.
 *
 * Work follows what changed: nothing happens while the synced commit is the
 * one last applied; after a push only the changed files are read and only
 * objects whose content changed are sent. The inventory of applied objects is
 * kept in the store, so prune deletes exactly what we applied. Namespace
 * manifests that live outside environment folders (the seed's `namespaces/`)
 * are applied for the namespaces the environment uses. Namespaces are never
 * pruned: deleting one would delete everything in it.
 */
export class EnvironmentApply {
  constructor(
    private readonly options: {
      environment: GitopsEnvironment;
      prune: boolean;
      git: GitRepository;
      store: GitopsStore;
      cluster: ClusterApi;
      logger: LoggerService;
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
    const { environment, git, store, cluster, logger } = this.options;
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
    const desired: DesiredObject[] = [];
    for (const path of files.read) {
      const content = contents.get(path);
      if (!content || !Buffer.isBuffer(content)) continue; // sync reports unreadable files
      const parsed = parseManifestFile(path, content);
      const objects = desiredObjects(parsed, environment.repository, (ns, name) =>
        releaseByKey.get(`${ns}/${name}`),
      );
      const ownFile = under(path, environment.path);
      desired.push(
        ...objects.filter(
          o => ownFile || (o.kind === 'Namespace' && files.namespaces.has(o.name)),
        ),
      );
    }

    // Everything these files held before and no longer do has left git.
    const desiredKeys = new Set(desired.map(objectKeyOf));
    const removed = previous.objects.filter(
      o =>
        (files.read.has(o.sourcePath) || files.deleted.has(o.sourcePath)) &&
        !desiredKeys.has(objectKeyOf(o)),
    );

    const upserted = outcome.upserted;
    const changed = desired
      .filter(o => inventory.get(objectKeyOf(o))?.digest !== o.digest)
      .sort((a, b) => applyOrder(a.kind) - applyOrder(b.kind));
    for (const object of changed) {
      const key = keyOf(object);
      try {
        await cluster.apply(object.object);
        outcome.applied++;
        const before = inventory.get(objectKeyOf(object));
        upserted.push({
          ...key,
          sourcePath: object.sourcePath,
          digest: object.digest,
          appliedAt: new Date().toISOString(),
        });
        if (before && object.kind === 'HelmRelease') outcome.reapplied.push(key);
      } catch (error) {
        if (unreachable(error)) throw error;
        outcome.failures.push({
          key,
          sourcePath: object.sourcePath,
          message: (error as Error).message,
        });
      }
    }

    const forgotten: AppliedObjectKey[] = [];
    for (const object of removed) {
      const key = keyOf(object);
      if (!this.options.prune || object.kind === 'Namespace') {
        forgotten.push(key);
        continue;
      }
      try {
        await cluster.remove(key);
        outcome.pruned++;
        forgotten.push(key);
        logger.info('Pruned', { environment: environment.name, object: describeKey(key) });
      } catch (error) {
        if (unreachable(error)) throw error;
        outcome.failures.push({
          key,
          sourcePath: object.sourcePath,
          message: (error as Error).message,
        });
      }
    }

    if (outcome.failures.length === 0) outcome.commit = commit;
    await store.recordApply({
      environment: environment.name,
      commit: outcome.commit,
      upserted,
      removed: forgotten,
    });
    return outcome;
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

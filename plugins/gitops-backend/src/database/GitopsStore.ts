import {
  GitopsClusterStatus,
  GitopsHelmRevision,
  GitopsImageStatus,
  GitopsReleaseDifference,
  GitopsReleaseState,
  GitopsEnvironment,
  GitopsEvent,
  GitopsProblem,
  GitopsReleaseDetail,
  GitopsReleaseImage,
  GitopsRepositoryStatus,
  GitopsSourceProblem,
} from '@backstage-gitops/plugin-gitops-common';

/** A release as git sync stores it: the API's view plus what later loops need. */
export type ReleaseRecord = Omit<GitopsReleaseDetail, 'images'> & {
  images: Array<GitopsReleaseImage & { paths: Record<string, string> }>;
  /** Folder of a git chart; its Chart.yaml gives chartVersion. */
  chartPath?: string;
  /** git tree sha of that folder: changes whenever the chart's contents do. */
  chartRevision?: string;
};

/** Identifies a release across the whole store. */
export type ReleaseKey = {
  environment: string;
  namespace: string;
  name: string;
};

export type NewEvent = Omit<GitopsEvent, 'id' | 'at'> & { at: Date };

export type FileProblem = {
  environment?: string;
  path: string;
  line?: number;
  message: string;
  /**
   * The file did not read cleanly, so its stored releases are its last good
   * state. Unset for warnings, which leave the file clean.
   */
  blocking?: boolean;
};

/** A file held at its last good state, and why (its first blocking problem). */
export type SourceProblemRecord = GitopsSourceProblem & { repository: string };

/** Everything one sync of a repository changes, written in one transaction. */
export type SyncRecord = {
  repositoryId: string;
  commit: string;
  syncedAt: Date;
  /**
   * Replace everything stored for the repository (first sync, force-push),
   * or only what came from `replacedPaths`.
   */
  full: boolean;
  replacedPaths: string[];
  /**
   * Files that did not read cleanly: their stored releases stay exactly as
   * they are (their last good state), even on a full sync; only their
   * problems are replaced.
   */
  keptPaths?: string[];
  releases: ReleaseRecord[];
  problems: FileProblem[];
  events: NewEvent[];
};

/** What image automation learned of one release image. */
export type ImageStatusRecord = ReleaseKey & {
  repositoryId: string;
  container: string;
  status: GitopsImageStatus;
};

/** Which releases belong to a catalog entity: any match counts. */
export type ReleaseMatch = {
  chartNames: string[];
  imageRepositories: string[];
  /** Every label of one selector must match; any selector may. */
  labelSelectors: Array<Array<{ key: string; value: string; op: '=' | '!=' }>>;
};

/** What helm reconciliation concluded for one release; kept until it changes. */
export type ReleaseStatusRecord = ReleaseKey & {
  cluster: string;
  state: GitopsReleaseState;
  reason: string;
  differences: GitopsReleaseDifference[];
  revision?: number;
  chartVersion?: string;
  appVersion?: string;
  deployedAt?: string;
  since?: string;
  /** Set while the release could not be read or applied; the state is the last known. */
  error?: string;
  errorAt?: string;
};

/** A release's Helm history, replaced whole when it changes; any order. */
export type HelmHistoryRecord = ReleaseKey & {
  cluster: string;
  revisions: GitopsHelmRevision[];
};

/** Identifies an object we applied to a cluster. */
export type AppliedObjectKey = {
  apiVersion: string;
  kind: string;
  /** `''` for cluster-scoped objects. */
  namespace: string;
  name: string;
};

/** The inventory of what one environment applied: what prune compares against. */
export type AppliedObjectRecord = AppliedObjectKey & {
  sourcePath: string;
  /** Digest of the object as applied; an unchanged digest skips the apply. */
  digest: string;
  appliedAt: string;
};

/** An object an environment could not apply, or did not prune, in its last apply. */
export type ApplyProblemRecord = {
  source: 'apply' | 'prune';
  /**
   * The environment it concerns, when not the one applying: the other side
   * of a conflict between two environments' field managers.
   */
  environment?: string;
  /** The file the object came from. */
  path: string;
  /** `Kind namespace/name (apiVersion)`. */
  object?: string;
  message: string;
  /** The commit being applied. */
  commit?: string;
};

/** A deletion the prune guard holds back until it is confirmed. */
export type HeldPruneRecord = {
  environment: string;
  /** The commit whose apply would delete `objects`. */
  commit: string;
  objects: AppliedObjectKey[];
  /** Prunable objects the environment had applied. */
  total: number;
  heldAt: string;
  /** Entity ref of who confirmed this deletion, once someone did. */
  confirmedBy?: string;
  confirmedAt?: string;
};

/** Everything one reconcile cycle of a cluster changes, written in one transaction. */
export type ReconcileRecord = {
  cluster: string;
  at: Date;
  /** Inserted or replaced. Statuses not named here stay as they are. */
  statuses: ReleaseStatusRecord[];
  /** Releases of this cluster that left git: their status and history go. */
  removed: ReleaseKey[];
  histories: HelmHistoryRecord[];
  events: NewEvent[];
};

/**
 * What the scheduled tasks store and the API reads. Routes and tasks depend on
 * this interface only, never on knex.
 */
export interface GitopsStore {
  ensureRepository(repo: { id: string; url: string; branch: string }): Promise<void>;
  getRepository(id: string): Promise<GitopsRepositoryStatus | undefined>;
  listRepositories(): Promise<GitopsRepositoryStatus[]>;
  /** Keeps the last good state; only the error and its time change. */
  recordRepositoryFailure(id: string, message: string, at: Date): Promise<void>;

  /** Replaces the environments of one repository. */
  replaceEnvironments(repositoryId: string, environments: GitopsEnvironment[]): Promise<void>;
  /** The environments of every repository, in pipeline order. */
  listEnvironments(): Promise<GitopsEnvironment[]>;

  /** Source files of the releases whose git chart lives in one of these folders. */
  sourcePathsForCharts(repositoryId: string, chartPaths: string[]): Promise<string[]>;
  /** What the stored releases know of a git chart folder (normalized path). */
  chartOf(
    repositoryId: string,
    chartPath: string,
  ): Promise<
    { chartPath: string; chartVersion?: string; chartRevision?: string } | undefined
  >;
  /** Stored releases from these source files, or all of the repository's. */
  releasesFromPaths(repositoryId: string, paths: string[] | 'all'): Promise<ReleaseRecord[]>;
  /** Every stored release of these environments. */
  releasesOfEnvironments(environments: string[]): Promise<ReleaseRecord[]>;
  applySync(sync: SyncRecord): Promise<void>;

  findReleases(match: ReleaseMatch): Promise<ReleaseRecord[]>;
  getRelease(key: ReleaseKey): Promise<ReleaseRecord | undefined>;
  /** File problems and fetch failures of these repositories. */
  listProblems(repositoryIds: string[]): Promise<GitopsProblem[]>;
  /** The files of these repositories held at their last good state. */
  listSourceProblems(repositoryIds: string[]): Promise<SourceProblemRecord[]>;

  /** Replaces the status of these release images. */
  recordImageStatuses(statuses: ImageStatusRecord[]): Promise<void>;

  /** Every status stored for the releases a cluster runs. */
  listReleaseStatuses(cluster: string): Promise<ReleaseStatusRecord[]>;
  /** The status of these releases, where there is one. */
  getReleaseStatuses(keys: ReleaseKey[]): Promise<ReleaseStatusRecord[]>;
  /** The stored Helm history of one release, newest revision first. */
  getHelmHistory(key: ReleaseKey): Promise<HelmHistoryRecord | undefined>;
  /** Stores one cycle's outcome and marks the cluster reconciled at `record.at`. */
  applyReconcile(record: ReconcileRecord): Promise<void>;
  /** Keeps every status; only the cluster's error and its time change. */
  recordClusterFailure(cluster: string, message: string, at: Date): Promise<void>;
  /** Adds clusters not seen before; titles are refreshed. */
  ensureClusters(clusters: Array<{ name: string; title?: string }>): Promise<void>;
  listClusters(): Promise<GitopsClusterStatus[]>;

  /** What an environment last applied, with the commit it applied from. */
  getAppliedObjects(
    environment: string,
  ): Promise<{ commit?: string; objects: AppliedObjectRecord[] }>;
  /**
   * Records an apply: upserts and removals (pruned, or left git). `commit` is
   * given only when everything applied, so a failed object is retried.
   */
  recordApply(apply: {
    environment: string;
    commit?: string;
    upserted: AppliedObjectRecord[];
    removed: AppliedObjectKey[];
    /**
     * When given, replaces the environment's apply and prune problems
     * (problems that stand on keep their first time); `listProblems` returns them.
     */
    problems?: { repositoryId: string; items: ApplyProblemRecord[] };
  }): Promise<void>;

  /** The deletion the prune guard holds for an environment, if any. */
  getHeldPrune(environment: string): Promise<HeldPruneRecord | undefined>;
  /**
   * Holds a deletion back. The same deletion (commit and objects) keeps its
   * time and confirmation; a different one replaces it, unconfirmed.
   */
  holdPrune(held: Omit<HeldPruneRecord, 'confirmedBy' | 'confirmedAt'>): Promise<HeldPruneRecord>;
  /** Confirms the held deletion of `commit`; undefined when none is held at that commit. */
  confirmHeldPrune(
    environment: string,
    confirmation: { commit: string; actor: string; at: Date },
  ): Promise<HeldPruneRecord | undefined>;
  /** Forgets the held deletion (done, or no longer wanted). */
  releaseHeldPrune(environment: string): Promise<void>;

  /**
   * Forgets what an environment applied, so that the next apply sends
   * everything again (the cluster lost objects we applied).
   */
  forgetApplied(environment: string): Promise<void>;

  addEvents(events: NewEvent[]): Promise<void>;
  /** Newest first: events of these releases and repository-wide events of these repositories. */
  listEvents(query: {
    releases: ReleaseKey[];
    repositoryIds: string[];
    limit: number;
  }): Promise<GitopsEvent[]>;
}

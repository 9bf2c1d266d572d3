import {
  GitopsClusterStatus,
  GitopsEnvironmentFluxStatus,
  GitopsHelmRevision,
  GitopsProblem,
  GitopsReleaseKey,
  GitopsReleaseStatus,
} from '@backstage-gitops/plugin-gitops-common';
import { NewEvent } from './EventStore';

/**
 * What helm reconciliation concluded for one release; kept until it changes.
 * The API's status less what the read adds (`checkedAt` from the cluster's
 * last answer, `stale` from `error` and `errorAt`).
 */
export type ReleaseStatusRecord = GitopsReleaseKey &
  Omit<GitopsReleaseStatus, 'checkedAt' | 'stale'> & {
    /** Set while the release could not be read or applied; the state is the last known. */
    error?: string;
    errorAt?: string;
  };

/**
 * The Kustomization that applies an environment, as its cluster's last
 * reconcile read it. The commit git is at is added when read.
 */
export type EnvironmentFluxStatusRecord = Omit<
  GitopsEnvironmentFluxStatus,
  'gitCommit'
> & { environment: string };

/** A release's Helm history, replaced whole when it changes; any order. */
export type HelmHistoryRecord = GitopsReleaseKey & {
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
  removed: GitopsReleaseKey[];
  histories: HelmHistoryRecord[];
  /** Stored in the same transaction as the statuses they describe. */
  events: NewEvent[];
  /**
   * When given, replaces the Flux status of this cluster's environments:
   * environments of the cluster not named lose theirs.
   */
  environmentFlux?: EnvironmentFluxStatusRecord[];
};

/** What one apply of an environment changed. */
export type ApplyRecord = {
  environment: string;
  /** Given only when everything applied, so a failed object is retried. */
  commit?: string;
  upserted: AppliedObjectRecord[];
  /** Pruned, or left git. */
  removed: AppliedObjectKey[];
  /**
   * When given, replaces the environment's apply and prune problems
   * (problems that stand on keep their first time); `listApplyProblems`
   * returns them.
   */
  problems?: { repositoryId: string; items: ApplyProblemRecord[] };
};

/**
 * What helm reconciliation knows of the clusters: each cluster's last
 * reconcile or failure, each release's status and Helm history, what each
 * environment applied and could not apply, and deletions held back until
 * someone confirms them.
 */
export interface ClusterStateStore {
  /** Every status stored for the releases a cluster runs. */
  listReleaseStatuses(cluster: string): Promise<ReleaseStatusRecord[]>;
  /** The status of these releases, where there is one. */
  getReleaseStatuses(keys: GitopsReleaseKey[]): Promise<ReleaseStatusRecord[]>;
  /** The stored Helm history of one release, newest revision first. */
  getHelmHistory(key: GitopsReleaseKey): Promise<HelmHistoryRecord | undefined>;
  /** Stores one cycle's outcome and marks the cluster reconciled at `record.at`. */
  applyReconcile(record: ReconcileRecord): Promise<void>;
  /** Keeps every status; only the cluster's error and its time change. */
  recordClusterFailure(
    cluster: string,
    message: string,
    at: Date,
  ): Promise<void>;
  /** Adds clusters not seen before; titles are refreshed. */
  ensureClusters(
    clusters: Array<{ name: string; title?: string }>,
  ): Promise<void>;
  listClusters(): Promise<GitopsClusterStatus[]>;
  /** How many stored statuses each environment has in each state: one grouped count, for the metrics. */
  countReleaseStates(): Promise<
    Array<{ environment: string; state: string; count: number }>
  >;
  /** The Flux Kustomization status of every environment that has one. */
  listEnvironmentFluxStatuses(): Promise<EnvironmentFluxStatusRecord[]>;

  /** What an environment last applied, with the commit it applied from. */
  getAppliedObjects(
    environment: string,
  ): Promise<{ commit?: string; objects: AppliedObjectRecord[] }>;
  /** Records an apply: upserts, removals and, when given, its problems. */
  recordApply(apply: ApplyRecord): Promise<void>;
  /**
   * Forgets what an environment applied, so that the next apply sends
   * everything again (the cluster lost objects we applied).
   */
  forgetApplied(environment: string): Promise<void>;
  /** Apply and prune problems of the environments of these repositories. */
  listApplyProblems(repositoryIds: string[]): Promise<GitopsProblem[]>;

  /** The deletion the prune guard holds for an environment, if any. */
  getHeldPrune(environment: string): Promise<HeldPruneRecord | undefined>;
  /**
   * Holds a deletion back. The same deletion (commit and objects) keeps its
   * time and confirmation; a different one replaces it, unconfirmed.
   */
  holdPrune(
    held: Omit<HeldPruneRecord, 'confirmedBy' | 'confirmedAt'>,
  ): Promise<HeldPruneRecord>;
  /** Confirms the held deletion of `commit`; undefined when none is held at that commit. */
  confirmHeldPrune(
    environment: string,
    confirmation: { commit: string; actor: string; at: Date },
  ): Promise<HeldPruneRecord | undefined>;
  /** Forgets the held deletion (done, or no longer wanted). */
  releaseHeldPrune(environment: string): Promise<void>;
}

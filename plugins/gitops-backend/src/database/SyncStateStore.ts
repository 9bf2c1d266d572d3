import {
  GitopsEnvironment,
  GitopsProblem,
  GitopsReleaseDetail,
  GitopsReleaseImage,
  GitopsReleaseKey,
  GitopsRepositoryStatus,
  GitopsSourceProblem,
  ImageName,
} from '@backstage-gitops/plugin-gitops-common';
import { FluxObjectKind } from '../kernel';
import { NewEvent } from './EventStore';

/** An image of a stored release, with the file paths its tag is written at. */
export type ReleaseRecordImage = GitopsReleaseImage & {
  paths: Record<string, string>;
  /** The Flux ImagePolicy its setter marker names, and which part it sets. */
  imagePolicyRef?: {
    namespace: string;
    name: string;
    field?: 'tag' | 'name' | 'digest';
  };
  /**
   * The file whose text holds the image's value (and its setter marker),
   * when that is not the release's `sourcePath`: a base under an overlay.
   */
  file?: string;
};

/**
 * A Flux object (image automation, Kustomization, source) as a file of the
 * config repository describes it.
 */
export type FluxObjectRecord = {
  repository: string;
  /** The environment whose files hold it; unset outside them (`clusters/`, a shared base). */
  environment?: string;
  path: string;
  /** 1-based line its document starts on. */
  line: number;
  /** As written: any version Flux serves. */
  apiVersion: string;
  kind: FluxObjectKind;
  /** metadata.namespace, `default` when unset (or the overlay's namespace). */
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
};

/** A release as git sync stores it: the API's view plus what later loops need. */
export type ReleaseRecord = Omit<GitopsReleaseDetail, 'images'> & {
  images: ReleaseRecordImage[];
  /**
   * Files besides `sourcePath` the release was built from (an overlay's
   * base, its kustomization files): a change to any of them re-derives it.
   */
  builtFrom?: string[];
  /** Folder of a git chart; its Chart.yaml gives chartVersion. */
  chartPath?: string;
  /** git tree sha of that folder: changes whenever the chart's contents do. */
  chartRevision?: string;
};

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

/** One environment's releases, Flux objects or problems from one file. */
export type EnvironmentSource = { environment: string; path: string };

/**
 * What an incremental sync replaces per environment and file, beside
 * `replacedPaths`: for files several environments build from (a kustomize
 * base), replacing one environment's leaves the others' as they are.
 */
export type EnvironmentSources = {
  releases: EnvironmentSource[];
  fluxObjects: EnvironmentSource[];
  problems: EnvironmentSource[];
};

/** Everything one sync of a repository changes, written in one transaction. */
export type SyncRecord = {
  repositoryId: string;
  commit: string;
  /**
   * The stored commit the sync started from (null: none yet). When set,
   * `applySync` stores nothing and throws a ConflictError if the stored
   * commit moved meanwhile (another replica synced), so an older sync never
   * overwrites a newer one.
   */
  expectedCommit?: string | null;
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
  /** Replaced on incremental syncs, as `replacedPaths` is (see its type). */
  replacedSources?: EnvironmentSources;
  releases: ReleaseRecord[];
  /**
   * The Flux objects of the files read, replaced by path like releases
   * (those of `keptPaths` stay as they were).
   */
  fluxObjects?: FluxObjectRecord[];
  problems: FileProblem[];
  /** Stored in the same transaction as the releases they describe. */
  events: NewEvent[];
};

/** Which releases belong to a catalog entity: any match counts. */
export type ReleaseMatch = {
  chartNames: string[];
  /** Repository paths as releases store them (host apart): narrows the search. */
  imageRepositories: string[];
  /**
   * The images the entity names, resolved: a release image matches only when
   * its registry and path resolve to one of them, so `ghcr.io/org/app` does
   * not claim Docker Hub's `org/app`. Unset: the paths alone decide.
   */
  imageNames?: ImageName[];
  /** Every label of one selector must match; any selector may. */
  labelSelectors: Array<Array<{ key: string; value: string; op: '=' | '!=' }>>;
};

/**
 * Which releases a caller may read, as a conditional permission decision's
 * criteria say (`allOf`/`anyOf`/`not` of the release rules' queries):
 * `environment` by the release's environment, `owners` by the owners of the
 * catalog entity the release links to (see `ReleaseOwnerStore`).
 */
export type ReleaseFilter =
  | { allOf: ReleaseFilter[] }
  | { anyOf: ReleaseFilter[] }
  | { not: ReleaseFilter }
  | { property: 'environment' | 'owners'; values: string[] };

/** Where a release lives: its repository and environment. */
export type ReleaseLocation = { repository: string; environment: string };

/**
 * What git sync learned of the config repositories: each repository's last
 * commit or fetch failure, its environments, the releases its files describe
 * (with their images, and each image's status from image automation), and
 * the problems of files held at their last good state.
 */
export interface SyncStateStore {
  ensureRepository(repo: {
    id: string;
    url: string;
    branch: string;
  }): Promise<void>;
  getRepository(id: string): Promise<GitopsRepositoryStatus | undefined>;
  listRepositories(): Promise<GitopsRepositoryStatus[]>;
  /** Keeps the last good state; only the error and its time change. */
  recordRepositoryFailure(id: string, message: string, at: Date): Promise<void>;

  /** Replaces the environments of one repository. */
  replaceEnvironments(
    repositoryId: string,
    environments: GitopsEnvironment[],
  ): Promise<void>;
  /** The environments of every repository, in pipeline order. */
  listEnvironments(): Promise<GitopsEnvironment[]>;

  /** Source files of the releases whose git chart lives in one of these folders. */
  sourcePathsForCharts(
    repositoryId: string,
    chartPaths: string[],
  ): Promise<string[]>;
  /** What the stored releases know of a git chart folder (normalized path). */
  chartOf(
    repositoryId: string,
    chartPath: string,
  ): Promise<
    | { chartPath: string; chartVersion?: string; chartRevision?: string }
    | undefined
  >;
  /** Stored releases from these source files, or all of the repository's. */
  releasesFromPaths(
    repositoryId: string,
    paths: string[] | 'all',
  ): Promise<ReleaseRecord[]>;
  /**
   * Source files of the stored releases built from any of these files (see
   * `ReleaseRecord.builtFrom`), besides releases whose source file it is.
   */
  sourcePathsBuiltFrom(
    repositoryId: string,
    paths: string[],
  ): Promise<string[]>;
  /** Every stored release of these environments. */
  releasesOfEnvironments(environments: string[]): Promise<ReleaseRecord[]>;
  /**
   * Stores one sync: releases, problems, events and the repository's commit,
   * in one transaction; see `SyncRecord.expectedCommit` for when it refuses.
   */
  applySync(sync: SyncRecord): Promise<void>;

  /**
   * The stored Flux objects of a repository from these files, or of one
   * environment (the files git sync re-reads), by path and line.
   */
  fluxObjectsOf(
    repositoryId: string,
    where: { paths: string[] } | { environment: string },
  ): Promise<FluxObjectRecord[]>;
  /** The stored Flux objects of a repository, of these kinds or all, by path and line. */
  listFluxObjects(
    repositoryId: string,
    kinds?: FluxObjectKind[],
  ): Promise<FluxObjectRecord[]>;

  /**
   * The releases an entity selects (any of chart names, images, label
   * selectors), narrowed to those `filter` lets through when given.
   */
  findReleases(
    match: ReleaseMatch,
    filter?: ReleaseFilter,
  ): Promise<ReleaseRecord[]>;
  /**
   * Each configured environment (and its repository) holding at least one
   * release `filter` lets through (any release, when unset), without
   * reading the releases.
   */
  releaseLocations(filter?: ReleaseFilter): Promise<ReleaseLocation[]>;
  getRelease(key: GitopsReleaseKey): Promise<ReleaseRecord | undefined>;
  /**
   * File problems and fetch failures of these repositories; the apply and
   * prune problems of their environments are the cluster state's.
   */
  listProblems(repositoryIds: string[]): Promise<GitopsProblem[]>;
  /** The files of these repositories held at their last good state. */
  listSourceProblems(repositoryIds: string[]): Promise<SourceProblemRecord[]>;
}

import {
  GitopsImageStatus,
  GitopsEnvironment,
  GitopsEvent,
  GitopsProblem,
  GitopsReleaseDetail,
  GitopsReleaseImage,
  GitopsRepositoryStatus,
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
};

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
  applySync(sync: SyncRecord): Promise<void>;

  findReleases(match: ReleaseMatch): Promise<ReleaseRecord[]>;
  getRelease(key: ReleaseKey): Promise<ReleaseRecord | undefined>;
  /** File problems and fetch failures of these repositories. */
  listProblems(repositoryIds: string[]): Promise<GitopsProblem[]>;

  /** Replaces the status of these release images. */
  recordImageStatuses(statuses: ImageStatusRecord[]): Promise<void>;

  addEvents(events: NewEvent[]): Promise<void>;
  /** Newest first: events of these releases and repository-wide events of these repositories. */
  listEvents(query: {
    releases: ReleaseKey[];
    repositoryIds: string[];
    limit: number;
  }): Promise<GitopsEvent[]>;
}

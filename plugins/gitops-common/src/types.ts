/**
 * The answer of `GET /api/gitops/health`.
 *
 * @public
 */
export type GitopsHealth = {
  status: 'ok';
};

/**
 * One stage of the promotion pipeline, as the backend stores it after a sync.
 *
 * @public
 */
export type GitopsEnvironment = {
  name: string;
  repository: string;
  path: string;
  cluster?: string;
  order: number;
};

/**
 * The answer of `GET /api/gitops/environments`.
 *
 * @public
 */
export type GitopsEnvironmentList = {
  items: GitopsEnvironment[];
};

/**
 * One container image a release deploys, and the policy image automation
 * follows for it.
 *
 * @public
 */
export type GitopsReleaseImage = {
  container: string;
  registry?: string;
  repository: string;
  tag: string;
  /** The filter as written, such as `glob:dev-*` or `semver:~0.4`. */
  policy?: string;
  /**
   * What image automation last learned from the registry: the newest tag
   * the policy allows (reported even for releases that are not automated),
   * or why it could not tell.
   */
  status?: GitopsImageStatus;
};

/**
 * The registry's view of one release image.
 *
 * @public
 */
export type GitopsImageStatus = {
  latestTag?: string;
  latestCreatedAt?: string;
  /** How the policy chose it, in words. */
  reason?: string;
  /** Why the registry could not be read, when it could not. */
  error?: string;
  checkedAt: string;
};

/**
 * Where a release's chart comes from.
 *
 * @public
 */
export type GitopsChartReference =
  | { type: 'git'; git: string; path: string; ref?: string }
  | { type: 'repository'; repository: string; name: string; version: string }
  | {
      type: 'source';
      chart: string;
      version?: string;
      sourceRef: { kind: string; name: string; namespace?: string };
    };

/**
 * A HelmRelease as the config repository describes it.
 *
 * @public
 */
export type GitopsRelease = {
  repository: string;
  environment: string;
  namespace: string;
  name: string;
  releaseName: string;
  apiVersion: string;
  chart: GitopsChartReference;
  chartName: string;
  chartVersion?: string;
  labels: Record<string, string>;
  automated: boolean;
  locked: boolean;
  images: GitopsReleaseImage[];
  /** File of the release in its repository. */
  sourcePath: string;
  /** The commit that last changed the release. */
  commit: string;
  updatedAt: string;
};

/**
 * A release with its full spec, as `GET /releases/{env}/{namespace}/{name}` answers.
 *
 * @public
 */
export type GitopsReleaseDetail = GitopsRelease & {
  annotations: Record<string, string>;
  spec: Record<string, unknown>;
};

/**
 * A file that failed to parse or validate, or a repository that could not be
 * fetched (then `path` is empty).
 *
 * @public
 */
export type GitopsProblem = {
  repository: string;
  environment?: string;
  path: string;
  line?: number;
  message: string;
  at: string;
};

/**
 * The state of one config repository.
 *
 * @public
 */
export type GitopsRepositoryStatus = {
  id: string;
  url: string;
  branch: string;
  lastCommit?: string;
  lastSyncedAt?: string;
  lastError?: string;
  lastErrorAt?: string;
};

/**
 * The answer of `GET /releases?entityRef=`.
 *
 * @public
 */
export type GitopsReleaseList = {
  items: GitopsRelease[];
  /** Problems of the repositories and environments these releases live in. */
  problems: GitopsProblem[];
};

/**
 * Something that happened to a release or a repository.
 *
 * @public
 */
export type GitopsEvent = {
  id: number;
  type: string;
  repository?: string;
  environment?: string;
  namespace?: string;
  name?: string;
  commit?: string;
  author?: string;
  message?: string;
  /** Entity ref of who asked, for actions taken from Backstage. */
  actor?: string;
  details?: Record<string, unknown>;
  at: string;
};

/**
 * The answer of `GET /events?entityRef=`.
 *
 * @public
 */
export type GitopsEventList = {
  items: GitopsEvent[];
};

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
  /**
   * The Flux Kustomization (in the repository's `clusters/<env>/`) whose
   * `spec.path` is this environment's folder, when there is one.
   */
  kustomization?: { namespace: string; name: string };
  /**
   * What Flux's Kustomization that applies this environment's folder says,
   * once helm reconciliation has read its cluster.
   */
  fluxStatus?: GitopsEnvironmentFluxStatus;
};

/**
 * A Flux condition (Ready, Released, Remediated, TestSuccess, ...) as the
 * controller last wrote it.
 *
 * @public
 */
export type GitopsFluxCondition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  since?: string;
};

/**
 * The environment as Flux's kustomize-controller applies it: the commit git
 * sync stored for its repository against the revision the Kustomization last
 * applied.
 *
 * @public
 */
export type GitopsEnvironmentFluxStatus = {
  cluster: string;
  /** The commit git sync last stored for the environment's repository. */
  gitCommit?: string;
  /** The Kustomization read; absent when none was found or its API is not served. */
  kustomization?: {
    namespace: string;
    name: string;
    ready?: GitopsFluxCondition;
    /** As Flux writes it, `main@sha1:<sha>` or the older `main/<sha>`. */
    lastAppliedRevision?: string;
    /** The commit in `lastAppliedRevision`. */
    appliedCommit?: string;
    lastAttemptedRevision?: string;
    attemptedCommit?: string;
    suspended: boolean;
  };
  /**
   * Why there is no Kustomization status: its API is not served ("Flux
   * kustomize API not served"), none applies the folder, or the read failed.
   */
  problem?: string;
  observedAt: string;
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
  /** Flux v2 setter markers: the ImagePolicy deciding the image, `namespace/name`. */
  imagePolicy?: string;
  /** Flux v2 setter markers: the policy in the ImagePolicy's words, e.g. `semver:>=6.0.0-0 <7.0.0`. */
  policy?: string;
  /**
   * Who commits the image's moves: this plugin (`backstage`), Flux's
   * image-automation-controller (`flux`: the latest tag is the cluster's
   * ImagePolicy's) or nobody (`off`), as the repository's config says.
   */
  automation?: GitopsImageAutomation;
  /**
   * Why a setter marker is not automated: its ImagePolicy or ImageRepository
   * is missing or ambiguous, or its file is outside every
   * ImageUpdateAutomation's update path.
   */
  problem?: string;
};

/**
 * Who commits new image tags to a repository.
 *
 * @public
 */
export type GitopsImageAutomation = 'backstage' | 'flux' | 'off';

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
 * What the chart scan learned of a release's chart in its Helm repository
 * (https index or OCI) or OCI registry.
 *
 * @public
 */
export type GitopsChartStatus = {
  /** Where the versions were listed: the Helm repository or OCI url. */
  source: string;
  chart: string;
  /** The version range the release allows; `*` when it names none. */
  range?: string;
  /** The newest listed version the range allows. */
  latestVersion?: string;
  /** Why the versions could not be listed. */
  error?: string;
  checkedAt: string;
  /**
   * Set when `latestVersion` is newer than the version the release runs
   * (Helm's deployed chart version when known, else the version written).
   */
  updateAvailable?: boolean;
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
  /** For a chart from a Helm repository or OCI registry: the newest version its range allows. */
  chartStatus?: GitopsChartStatus;
  labels: Record<string, string>;
  automated: boolean;
  locked: boolean;
  /** On a locked release: who locked it (`fluxcd.io/locked_user`), such as `user:default/jane`. */
  lockedBy?: string;
  /** On a locked release: why (`fluxcd.io/locked_msg`). */
  lockedMessage?: string;
  images: GitopsReleaseImage[];
  /** File of the release in its repository. */
  sourcePath: string;
  /** The commit that last changed the release. */
  commit: string;
  updatedAt: string;
  /** What the cluster runs, once helm reconciliation has looked. */
  status?: GitopsReleaseStatus;
  /** Set while the release's file does not read cleanly: this is its last good state. */
  sourceProblem?: GitopsSourceProblem;
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
 * Something that stands in the way of git reaching the cluster: a file that
 * failed to parse or validate, a repository that could not be fetched or
 * stored (then `path` is empty), an object that could not be applied, or a
 * prune that was held back.
 *
 * @public
 */
export type GitopsProblem = {
  repository: string;
  environment?: string;
  path: string;
  line?: number;
  message: string;
  /** Since when the problem has stood. */
  at: string;
  /** The commit at which it appeared, where one is known. */
  commit?: string;
  /** What failed: reading git (the default), applying to the cluster, or pruning. */
  source?: GitopsProblemSource;
  /** For apply and prune problems: the object, as `Kind namespace/name (apiVersion)`. */
  object?: string;
};

/**
 * Where a problem arose.
 *
 * @public
 */
export type GitopsProblemSource = 'git' | 'apply' | 'prune';

/**
 * Why the release shown is the last good state of its file: the file does
 * not read cleanly at the synced commit, so nothing of it was replaced.
 *
 * @public
 */
export type GitopsSourceProblem = {
  path: string;
  line?: number;
  message: string;
  /** The first commit at which the file stopped reading cleanly. */
  commit?: string;
  /** Since when. */
  since: string;
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
  /** Who commits new image tags to it; `backstage` unless configured otherwise. */
  automation?: GitopsImageAutomation;
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
  /**
   * Set when older events may follow: pass it as `before` to read the next
   * page.
   */
  next?: string;
};

/**
 * How a release in its cluster compares with what git asks for.
 *
 * @public
 */
export type GitopsReleaseState =
  | 'Synced'
  | 'Progressing'
  | 'Failed'
  | 'Drifted'
  | 'Missing';

/**
 * One place where git and the cluster disagree.
 *
 * @public
 */
export type GitopsReleaseDifference = {
  /** Such as `chart.version`, `values.image.tag` or `spec.chart.ref`. */
  path: string;
  desired?: unknown;
  live?: unknown;
  /**
   * Set when a side is left out because it may hold a secret: the sides
   * named are not absent, only not shown.
   */
  withheld?: GitopsWithheldValues;
};

/**
 * Why a difference does not show its values. `secret-name`: the key, or one
 * inside the value, is named like a secret (both sides withheld).
 * `values-from`: the release merges values from ConfigMaps or Secrets
 * (`valuesFrom`, `upgrade.preserveValues`) that may fill this key (the
 * cluster's side withheld). `not-in-git`: git holds no plain value at this
 * key (the cluster's side withheld).
 *
 * @public
 */
export type GitopsWithheldValues = {
  sides: Array<'desired' | 'live'>;
  reason: 'secret-name' | 'values-from' | 'not-in-git';
};

/**
 * What helm reconciliation last learned of a release in its cluster.
 *
 * @public
 */
export type GitopsReleaseStatus = {
  cluster: string;
  state: GitopsReleaseState;
  /** One line for people: what is wrong and, where known, what to do. */
  reason: string;
  differences: GitopsReleaseDifference[];
  /** Helm's newest revision. */
  revision?: number;
  chartVersion?: string;
  appVersion?: string;
  deployedAt?: string;
  /** When the current state began, where that can be told. */
  since?: string;
  /** What helm-controller (Flux v2) says of the HelmRelease, for v2 releases. */
  flux?: GitopsFluxReleaseStatus;
  /** When the cluster last answered for this release. */
  checkedAt: string;
  /**
   * Set when the last attempt to read or apply the release failed: the state
   * above is the last known one, as old as `checkedAt`.
   */
  stale?: { error: string; at: string };
};

/**
 * A Flux v2 HelmRelease's own status: its conditions, whether it is
 * suspended, and what helm-controller last attempted against what it applied.
 *
 * @public
 */
export type GitopsFluxReleaseStatus = {
  /** The version the cluster served it at, such as `helm.toolkit.fluxcd.io/v2beta2`. */
  apiVersion: string;
  /** `spec.suspend`: helm-controller does not act on it. */
  suspended: boolean;
  /** Ready, Released, Remediated and TestSuccess, those the controller wrote. */
  conditions: GitopsFluxCondition[];
  /** The chart version (or source revision) last attempted. */
  lastAttemptedRevision?: string;
  lastAttemptedConfigDigest?: string;
  /** The chart version of the newest applied snapshot (v2) or `lastAppliedRevision` (v2beta). */
  lastAppliedRevision?: string;
  lastAppliedConfigDigest?: string;
  /** The last attempt is not what is applied: it failed or is under way. */
  attemptDiffers: boolean;
  /** Set when the Helm history shown comes from `status.history`, Helm's Secrets being unreadable. */
  historyFromStatus?: boolean;
};

/**
 * One revision of a Helm release, as `helm history` lists it.
 *
 * @public
 */
export type GitopsHelmRevision = {
  revision: number;
  status: string;
  chartName?: string;
  chartVersion?: string;
  appVersion?: string;
  description?: string;
  firstDeployedAt?: string;
  deployedAt?: string;
};

/**
 * The answer of `GET /releases/{env}/{namespace}/{name}/history`: newest first.
 *
 * @public
 */
export type GitopsHelmHistory = {
  cluster?: string;
  items: GitopsHelmRevision[];
};

/**
 * One cluster helm reconciliation reads, and how its last cycle went.
 *
 * @public
 */
export type GitopsClusterStatus = {
  name: string;
  title?: string;
  lastReconciledAt?: string;
  lastError?: string;
  lastErrorAt?: string;
};

/**
 * The answer of `GET /clusters`.
 *
 * @public
 */
export type GitopsClusterList = {
  items: GitopsClusterStatus[];
};

/**
 * What a promotion writes, shown before it is done (`dryRun`) and returned
 * after: the stage gets the image the stage before it runs.
 *
 * - `same-digest`: the registry has a tag on the same digest that this
 *   stage's policy allows; that tag is written, and automation keeps working.
 * - `copy-and-lock`: no such tag; the previous stage's tag is written and the
 *   release is locked, or the next scan would undo it.
 *
 * @public
 */
export type GitopsPromotion = {
  from: { environment: string; namespace: string; name: string; tag: string };
  to: { environment: string; namespace: string; name: string; tag: string };
  container: string;
  /** The image repository, such as `stefanprodan/podinfo`. */
  image: string;
  /** The tag the promotion writes. */
  tag: string;
  digest?: string;
  mode: 'same-digest' | 'copy-and-lock';
  /** Why this mode, in words. */
  reason: string;
  /** The file it changes, and the change as a unified diff. */
  path: string;
  diff: string;
  /** Set once committed and pushed. */
  commit?: string;
  requestedBy?: string;
};

/**
 * The answer of an action that commits to the config repository (lock,
 * unlock).
 *
 * @public
 */
export type GitopsCommitResult = {
  commit?: string;
  /** Whether anything changed; locking a locked release changes nothing. */
  changed: boolean;
  path: string;
  requestedBy: string;
};

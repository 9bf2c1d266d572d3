/** Every status Helm 3 records in a release's `info.status`. */
export type HelmReleaseStatus =
  | 'unknown'
  | 'deployed'
  | 'uninstalled'
  | 'superseded'
  | 'failed'
  | 'uninstalling'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback';

/** One revision of a Helm release, as `helm history` would list it. */
export type HelmRevision = {
  name: string;
  namespace: string;
  revision: number;
  status: HelmReleaseStatus;
  chartName?: string;
  chartVersion?: string;
  appVersion?: string;
  description?: string;
  /** ISO 8601, UTC. */
  firstDeployed?: string;
  /** ISO 8601, UTC. */
  lastDeployed?: string;
  /**
   * The user-supplied values of this revision (Helm's `config`), kept only
   * while the revision can be the one deployed: a superseded or uninstalled
   * revision is never compared, and its values (which may hold secrets that
   * valuesFrom merged in) are dropped as soon as it is read.
   */
  values?: Record<string, unknown>;
};

/** A Secret as the Kubernetes API returns it: every `data` value is base64. */
export type HelmReleaseSecret = {
  metadata?: {
    name?: string;
    namespace?: string;
    /** Changes whenever the Secret does (Helm relabels superseded revisions). */
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
  data?: Record<string, string>;
};

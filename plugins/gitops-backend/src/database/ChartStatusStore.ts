import {
  GitopsChartStatus,
  GitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';

/** What the chart scan learned of one release's chart. */
export type ChartStatusRecord = GitopsReleaseKey & {
  repositoryId: string;
  status: GitopsChartStatus;
};

/**
 * The newest chart version each release's range allows in its Helm
 * repository or OCI registry, when it was checked, and any error.
 */
export interface ChartStatusStore {
  /**
   * Replaces the chart statuses of one repository with those of a scan:
   * a release the scan did not report (its chart now lives in git, or the
   * release is gone) loses its status.
   */
  replaceChartStatuses(
    repositoryId: string,
    statuses: ChartStatusRecord[],
  ): Promise<void>;
  /** The stored status of each of these releases that has one. */
  getChartStatuses(keys: GitopsReleaseKey[]): Promise<ChartStatusRecord[]>;
}

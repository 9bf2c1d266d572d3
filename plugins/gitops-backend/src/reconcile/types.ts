import { HelmRevision } from '../cluster';
import {
  GitopsReleaseDifference,
  GitopsReleaseState,
} from '@backstage-gitops/plugin-gitops-common';

/** A HelmRelease object as read from the cluster (v1 or v2). */
export type LiveHelmRelease = {
  apiVersion: string;
  metadata: {
    name: string;
    namespace: string;
    generation?: number;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

export type ReleaseAssessment = {
  state: GitopsReleaseState;
  /** One line for people, saying what is wrong and, where we know, what to do. */
  reason: string;
  differences: GitopsReleaseDifference[];
  /** The newest Helm revision, as the tail of `helm history` shows it. */
  revision?: number;
  chartVersion?: string;
  deployedAt?: string;
  /** When the current state began, where that can be told. */
  since?: string;
};

/** What git says, as git sync stored it (a ReleaseRecord provides it all). */
export type DesiredRelease = {
  apiVersion: string;
  namespace: string;
  name: string;
  releaseName: string;
  chartVersion?: string;
  values: Record<string, unknown>;
  spec: Record<string, unknown>;
};

export type AssessReleaseInput = {
  desired: DesiredRelease;
  /** The HelmRelease object in the cluster, if any. */
  live?: LiveHelmRelease;
  /** The release's Helm revisions, oldest first. */
  history: HelmRevision[];
  /**
   * When we last applied a change to the desired object; starts the grace
   * period. A re-apply that changed nothing should not move it.
   */
  appliedAt?: string;
  now: Date;
  /** Right after an apply, differences mean Progressing, not Drifted. */
  gracePeriodMs: number;
  /** A pending operation older than this is reported as stuck (default 10 min). */
  stuckAfterMs?: number;
};

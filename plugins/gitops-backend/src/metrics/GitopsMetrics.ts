import { createNoopMeter } from '@opentelemetry/api';
import { RequestOutcome } from './requestOutcome';

/** Attribute values as both OpenTelemetry and Backstage's MetricsService take them. */
type Attributes = Record<string, string | number | boolean | undefined>;

type InstrumentOptions = {
  description?: string;
  unit?: string;
  advice?: { explicitBucketBoundaries?: number[] };
};

/**
 * What the instruments are created from: Backstage's alpha `MetricsService`
 * (what the plugin is given) and an OpenTelemetry `Meter` (what tests and
 * the no-op default use) both fit, so nothing below depends on either.
 */
export interface InstrumentSource {
  createCounter(
    name: string,
    options?: InstrumentOptions,
  ): { add(value: number, attributes?: Attributes): void };
  createHistogram(
    name: string,
    options?: InstrumentOptions,
  ): { record(value: number, attributes?: Attributes): void };
  createObservableGauge(
    name: string,
    options?: InstrumentOptions,
  ): {
    addCallback(callback: GaugeCallback): void;
    removeCallback(callback: GaugeCallback): void;
  };
}

type GaugeCallback = (result: {
  observe(value: number, attributes?: Attributes): void;
}) => void | Promise<void>;

/** The metric names, as the README lists them. */
export const GITOPS_METRICS = {
  syncDuration: 'gitops.sync.duration',
  imageScanDuration: 'gitops.image_scan.duration',
  reconcileDuration: 'gitops.reconcile.duration',
  commits: 'gitops.commits',
  registryRequests: 'gitops.registry.requests',
  clusterRequests: 'gitops.cluster.requests',
  releases: 'gitops.releases',
} as const;

/** Why the plugin pushed a commit to a config repository. */
export type CommitReason = 'automation' | 'promotion' | 'lock' | 'unlock';

/** Releases of one environment in one state, as the store counts them. */
export type ReleaseStateCount = {
  environment: string;
  state: string;
  count: number;
};

// A loop's run takes from a fraction of a second (nothing changed) to
// minutes (a first sync of a large repository, a slow cluster).
const RUN_SECONDS_BUCKETS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
];

/**
 * The plugin's OpenTelemetry metrics, one method per thing measured. Every
 * attribute is bounded: repository, environment and cluster names come from
 * config, registry hosts from config or the fixed public defaults, outcomes
 * from short fixed lists; never release names, tags or error texts.
 */
export class GitopsMetrics {
  private readonly syncDuration;
  private readonly imageScanDuration;
  private readonly reconcileDuration;
  private readonly commits;
  private readonly registryRequests;
  private readonly clusterRequests;
  private readonly releases;

  /** Records nothing: for loops constructed without metrics (tests, tools). */
  static none(): GitopsMetrics {
    return new GitopsMetrics(createNoopMeter());
  }

  constructor(source: InstrumentSource) {
    const duration = (name: string, description: string) =>
      source.createHistogram(name, {
        description,
        unit: 's',
        advice: { explicitBucketBoundaries: RUN_SECONDS_BUCKETS },
      });
    this.syncDuration = duration(
      GITOPS_METRICS.syncDuration,
      'Duration of one git sync of a config repository',
    );
    this.imageScanDuration = duration(
      GITOPS_METRICS.imageScanDuration,
      'Duration of one image automation run of a config repository: registry scans and the commit',
    );
    this.reconcileDuration = duration(
      GITOPS_METRICS.reconcileDuration,
      'Duration of one helm reconcile cycle of a cluster',
    );
    this.commits = source.createCounter(GITOPS_METRICS.commits, {
      description: 'Commits the plugin pushed to a config repository',
      unit: '{commit}',
    });
    this.registryRequests = source.createCounter(
      GITOPS_METRICS.registryRequests,
      {
        description: 'HTTP requests to container registries, retries included',
        unit: '{request}',
      },
    );
    this.clusterRequests = source.createCounter(
      GITOPS_METRICS.clusterRequests,
      {
        description: 'Calls of the Kubernetes API of a cluster',
        unit: '{request}',
      },
    );
    this.releases = source.createObservableGauge(GITOPS_METRICS.releases, {
      description:
        'Releases helm reconciliation assessed, by environment and state',
      unit: '{release}',
    });
  }

  syncFinished(repository: string, outcome: string, seconds: number): void {
    this.syncDuration.record(seconds, { repository, outcome });
  }

  imageScanFinished(
    repository: string,
    outcome: string,
    seconds: number,
  ): void {
    this.imageScanDuration.record(seconds, { repository, outcome });
  }

  reconcileFinished(cluster: string, outcome: string, seconds: number): void {
    this.reconcileDuration.record(seconds, { cluster, outcome });
  }

  commitPushed(repository: string, reason: CommitReason): void {
    this.commits.add(1, { repository, reason });
  }

  /** `registry` is the host as configured (or a public default): never one taken from an answer. */
  registryRequest(registry: string, outcome: RequestOutcome): void {
    this.registryRequests.add(1, { registry, outcome });
  }

  /** `operation` is the client method called, e.g. `listHelmReleases`. */
  clusterRequest(
    cluster: string,
    operation: string,
    outcome: RequestOutcome,
  ): void {
    this.clusterRequests.add(1, { cluster, operation, outcome });
  }

  /**
   * Reports the store's counts of releases by environment and state
   * whenever the metrics are collected (a scrape); returns the unsubscribe.
   * `count` must read stored data only: it runs on every collection.
   */
  observeReleases(count: () => Promise<ReleaseStateCount[]>): () => void {
    const callback: GaugeCallback = async result => {
      let counts: ReleaseStateCount[];
      try {
        counts = await count();
      } catch {
        // A store that cannot answer now reports nothing; the scrape goes on.
        return;
      }
      for (const { environment, state, count: releases } of counts) {
        result.observe(releases, { environment, state });
      }
    };
    this.releases.addCallback(callback);
    return () => this.releases.removeCallback(callback);
  }
}

/** Seconds since it was called, for the duration histograms. */
export function startTimer(): () => number {
  const started = performance.now();
  return () => (performance.now() - started) / 1000;
}

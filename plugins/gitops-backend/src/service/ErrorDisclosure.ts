import {
  GitopsClusterStatus,
  GitopsEvent,
  GitopsProblem,
  GitopsRelease,
  GitopsRepositoryStatus,
} from '@backstage-gitops/plugin-gitops-common';

const HIDDEN =
  'details hidden, as they may name internal addresses: see the backend logs, or ask for the gitops.diagnostics.read permission';

/** What readers without the diagnostics permission read instead. */
export const hiddenErrors = {
  repository: `The config repository could not be fetched or stored (${HIDDEN})`,
  cluster: `The cluster could not be read (${HIDDEN})`,
  registry: `The registry could not be read (${HIDDEN})`,
  automation: `Image automation failed (${HIDDEN})`,
  /** Any other message that names an address. */
  addressed: `This message names an address (${HIDDEN})`,
};

// What an address looks like in the errors of git, fetch, Node's sockets
// and the Kubernetes API: URLs, scp-style git remotes, IP addresses,
// host:port, DNS lookups and cluster-internal names.
const ADDRESS_PATTERNS = [
  /\b[a-z][a-z0-9+.-]*:\/\//i,
  /\b[\w.-]+@[\w.-]+:/,
  /\b\d{1,3}(\.\d{1,3}){3}\b/,
  /\[[0-9a-f:.]*:[0-9a-f:.]*\]/i,
  /\b[a-z0-9-]+(\.[a-z0-9-]+)*:\d{2,5}\b/i,
  /\b(lookup|getaddrinfo \w+)\s+\S+/i,
  /\b[a-z0-9-]+(\.[a-z0-9-]+)*\.(svc|cluster\.local|local|internal|corp|lan|intranet)\b/i,
];

/** Whether a message names something that looks like a host or address. */
export function namesAddress(message: string): boolean {
  return ADDRESS_PATTERNS.some(pattern => pattern.test(message));
}

/**
 * Shapes the errors of API answers for one caller. Errors of talking to a
 * repository, cluster or registry are transport errors by nature and carry
 * addresses (API servers, git remotes, registry hosts): without the
 * diagnostics permission a caller reads a generic message instead. Apply
 * and prune problems are mostly the backend's own words or the API
 * server's verdict on an object, useful to the release's team: they are
 * hidden only when they name an address.
 */
export class ErrorDisclosure {
  constructor(private readonly full: boolean) {}

  repository(repository: GitopsRepositoryStatus): GitopsRepositoryStatus {
    if (this.full || !repository.lastError) return repository;
    return { ...repository, lastError: hiddenErrors.repository };
  }

  cluster(cluster: GitopsClusterStatus): GitopsClusterStatus {
    if (this.full || !cluster.lastError) return cluster;
    return { ...cluster, lastError: hiddenErrors.cluster };
  }

  release(release: GitopsRelease): GitopsRelease {
    if (this.full) return release;
    const { status } = release;
    const images = release.images.map(image =>
      image.status?.error
        ? {
            ...image,
            status: { ...image.status, error: hiddenErrors.registry },
          }
        : image,
    );
    const chartStatus = release.chartStatus?.error
      ? {
          chartStatus: { ...release.chartStatus, error: hiddenErrors.registry },
        }
      : {};
    if (!status) return { ...release, images, ...chartStatus };
    return {
      ...release,
      images,
      ...chartStatus,
      status: {
        ...status,
        reason: namesAddress(status.reason)
          ? hiddenErrors.addressed
          : status.reason,
        ...(status.stale
          ? { stale: { ...status.stale, error: hiddenErrors.cluster } }
          : {}),
      },
    };
  }

  problem(problem: GitopsProblem): GitopsProblem {
    if (this.full) return problem;
    // A repository-wide problem is a fetch or store failure.
    if (!problem.path) return { ...problem, message: hiddenErrors.repository };
    if (namesAddress(problem.message)) {
      return { ...problem, message: hiddenErrors.addressed };
    }
    return problem;
  }

  event(event: GitopsEvent): GitopsEvent {
    if (this.full) return event;
    if (event.type === 'automation-failed') {
      return { ...event, message: hiddenErrors.automation };
    }
    if (event.message && namesAddress(event.message)) {
      return { ...event, message: hiddenErrors.addressed };
    }
    return event;
  }
}

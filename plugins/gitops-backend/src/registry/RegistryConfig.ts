import { InputError } from '@backstage/errors';
import { DOCKER_HUB } from '@backstage-gitops/plugin-gitops-common';

/** How to reach one registry; `gitops.registries[]` in app-config. */
export type RegistryConfig = {
  /** As written in image refs: 'docker.io', 'ghcr.io', '127.0.0.1:5000', 'localhost:5000'. */
  host: string;
  /** Base URL to reach it, default `https://<host>`; Docker Hub ('docker.io') is served at https://registry-1.docker.io. */
  url?: string;
  /** Basic auth, and the credentials for the bearer-token flow. */
  username?: string;
  password?: string;
  /** Max requests in flight to this registry (default 4). */
  concurrency?: number;
  /** Per request (default 10000). */
  timeoutMs?: number;
  /**
   * Token service on another host than the registry's own, trusted as a
   * bearer realm (Docker Hub's https://auth.docker.io/token is built in).
   */
  tokenRealm?: string;
  /**
   * Other https hosts the registry may redirect blob downloads to, e.g. a
   * CDN (Docker Hub's and GitHub's are built in).
   */
  redirectHosts?: string[];
};

/** A {@link RegistryConfig} with defaults applied and URLs parsed. */
export type ResolvedRegistry = {
  host: string;
  /** Origin of the registry: scheme, host and port, no path. */
  baseUrl: URL;
  credentials?: { username: string; password: string };
  concurrency: number;
  timeoutMs: number;
  tokenRealm?: URL;
  redirectHosts: string[];
  /**
   * Set for a registry reached without configuration (a public default):
   * every host it is reached at must resolve to public addresses only.
   * Configured registries may live on loopback or private networks.
   */
  publicAddressesOnly?: true;
};

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TIMEOUT_MS = 10_000;

// Where well-known registries live and which other hosts they use; code
// constants, so like config they never come from a registry's answers.
const WELL_KNOWN: Record<
  string,
  { url?: string; tokenRealm?: string; redirectHosts?: string[] }
> = {
  [DOCKER_HUB]: {
    url: 'https://registry-1.docker.io',
    tokenRealm: 'https://auth.docker.io/token',
    redirectHosts: ['production.cloudflare.docker.com'],
  },
  'ghcr.io': { redirectHosts: ['pkg-containers.githubusercontent.com'] },
};

function parseUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`${what} "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`${what} "${value}" must be an http(s) URL`);
  }
  if (url.username || url.password) {
    throw new InputError(
      `${what} must not hold credentials; use username and password`,
    );
  }
  return url;
}

/**
 * Applies defaults and checks a registry entry; `what` names the entry in
 * errors, which then name its keys as `<what>.<key>`.
 */
export function resolveRegistry(
  config: RegistryConfig,
  what = `registries["${config.host}"]`,
): ResolvedRegistry {
  const known = WELL_KNOWN[config.host];
  const baseUrl = parseUrl(
    config.url ?? known?.url ?? `https://${config.host}`,
    `${what}.url`,
  );
  if ((baseUrl.pathname !== '/' && baseUrl.pathname !== '') || baseUrl.search) {
    throw new InputError(
      `${what}.url "${config.url}" must be scheme://host[:port] without a path; the API lives at /v2/`,
    );
  }
  if ((config.username === undefined) !== (config.password === undefined)) {
    throw new InputError(
      `${what}.username and ${what}.password go together: give both or neither`,
    );
  }
  const concurrency = config.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new InputError(
      `${what}.concurrency must be an integer from 1 to 256, got ${concurrency}`,
    );
  }
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new InputError(`${what}.timeout must be positive, got ${timeoutMs}`);
  }
  const realm = config.tokenRealm ?? known?.tokenRealm;
  return {
    host: config.host,
    baseUrl: new URL(baseUrl.origin),
    credentials:
      config.username !== undefined && config.password !== undefined
        ? { username: config.username, password: config.password }
        : undefined,
    concurrency,
    timeoutMs,
    tokenRealm: realm ? parseUrl(realm, `${what}.tokenRealm`) : undefined,
    redirectHosts: [
      ...(known?.redirectHosts ?? []),
      ...(config.redirectHosts ?? []),
    ].map(host => host.toLowerCase()),
  };
}

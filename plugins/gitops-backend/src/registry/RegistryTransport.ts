import { LoggerService } from '@backstage/backend-plugin-api';
import {
  isError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { BodyLimit, readLimitedBody } from './readLimitedBody';
import { ResolvedRegistry } from './RegistryConfig';
import { RegistryResponse } from './registryResponse';
import { RegistryResponseError } from './RegistryResponseError';
import { parseRetryAfter } from './retryAfter';
import { Semaphore } from '../kernel';
import { GitopsMetrics, outcomeOfStatus, RequestOutcome } from '../metrics';
import { checkRedirect } from './trustedUrls';
import {
  AddressResolver,
  hostnameOf,
  isPublicAddress,
  systemResolver,
} from './publicAddress';

/** Requests made to one registry since the process started. */
export type RegistryStats = {
  /** Every HTTP request: pings, tokens, pages, manifests, blobs, retries, redirect hops. */
  requests: number;
  tagPages: number;
  manifests: number;
  blobs: number;
};

export type RequestKind = 'ping' | 'token' | 'tagPage' | 'manifest' | 'blob';

export type RequestHeaders = { authorization?: string; accept?: string };

// Bounds on what a registry may send back, so a hostile one cannot exhaust
// memory. A tag page is small per tag; 100,000 tags fit in a few MB.
export const BODY_LIMITS: Record<RequestKind, number> = {
  ping: 64 * 1024,
  token: 1024 * 1024,
  tagPage: 64 * 1024 * 1024,
  manifest: 4 * 1024 * 1024,
  blob: 8 * 1024 * 1024,
};
const MAX_REDIRECTS = 5;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** How an exchange that got no answer is counted: our policy refusing the address is no registry error. */
function failureOutcome(error: unknown, signal: AbortSignal): RequestOutcome {
  if (signal.aborted) return 'timeout';
  return error instanceof NotAllowedError ? 'refused' : 'error';
}

export type RegistryTransportOptions = {
  fetch: typeof fetch;
  logger: LoggerService;
  /** Retries after 429/503 before giving up (default 3). */
  maxRetries?: number;
  /** Longest wait a `Retry-After` may ask for; longer fails at once (default 30 s). */
  maxRetryWaitMs?: number;
  /** Resolves host names for the public-address check; the system's by default. */
  resolveAddresses?: AddressResolver;
  /** Counts each exchange by registry and outcome; none when unset. */
  metrics?: GitopsMetrics;
};

/**
 * The HTTP under one registry's client, knowing nothing of auth: timeouts,
 * redirects on trusted hosts only, bounded 429/503 retries, a cap on
 * requests in flight, body limits and request counters.
 */
export class RegistryTransport {
  readonly stats: RegistryStats = {
    requests: 0,
    tagPages: 0,
    manifests: 0,
    blobs: 0,
  };
  private readonly semaphore: Semaphore;
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;

  constructor(
    private readonly registry: ResolvedRegistry,
    private readonly options: RegistryTransportOptions,
  ) {
    this.semaphore = new Semaphore(registry.concurrency);
    this.maxRetries = options.maxRetries ?? 3;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;
  }

  /** One request with its bounded 429/503 retries; waits happen outside the concurrency slot. */
  async send(
    url: URL,
    kind: RequestKind,
    headers: RequestHeaders,
    limit: BodyLimit = { bytes: BODY_LIMITS[kind] },
  ): Promise<RegistryResponse> {
    for (let retry = 0; ; retry++) {
      const response = await this.semaphore.run(() =>
        this.exchange(url, kind, headers, limit),
      );
      if (response.status !== 429 && response.status !== 503) {
        return response;
      }
      const status =
        response.status === 429
          ? 'rate limited (HTTP 429)'
          : 'unavailable (HTTP 503)';
      const asked = parseRetryAfter(response.headers.get('retry-after'));
      if (retry >= this.maxRetries) {
        throw new ServiceUnavailableError(
          `${this.registry.host} ${status} on ${url.pathname}; gave up after ${this.maxRetries} retries`,
        );
      }
      if (asked !== undefined && asked > this.maxRetryWaitMs) {
        throw new ServiceUnavailableError(
          `${this.registry.host} ${status} on ${
            url.pathname
          } and asks to retry after ${Math.ceil(
            asked / 1000,
          )} s, longer than the ${Math.round(
            this.maxRetryWaitMs / 1000,
          )} s this scanner waits`,
        );
      }
      const wait = asked ?? Math.min(1000 * 2 ** retry, this.maxRetryWaitMs);
      this.options.logger.debug('Registry asked to slow down; retrying', {
        registry: this.registry.host,
        path: url.pathname,
        status: response.status,
        waitMs: wait,
      });
      await sleep(wait);
    }
  }

  /**
   * For a registry reached without configuration, each host it is reached
   * at (redirects and token services too) must resolve to public addresses
   * only, so a name pointed at this machine or an internal network is not
   * followed there. The name is resolved again by the connection itself;
   * the names checked are the public registries' own and their CDNs'.
   */
  private async checkAddresses(target: URL): Promise<void> {
    if (!this.registry.publicAddressesOnly) return;
    const resolve = this.options.resolveAddresses ?? systemResolver;
    const addresses = await resolve(hostnameOf(target));
    if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
      throw new NotAllowedError(
        `registry host ${this.registry.host} is not allowed: ${target.hostname} does not resolve to public addresses only; add it to gitops.registries to reach it there`,
      );
    }
  }

  private count(kind: RequestKind): void {
    if (kind === 'tagPage') this.stats.tagPages++;
    if (kind === 'manifest') this.stats.manifests++;
    if (kind === 'blob') this.stats.blobs++;
  }

  /** One exchange, redirects included, under one timeout; credentials never leave the registry's origin. */
  private async exchange(
    url: URL,
    kind: RequestKind,
    headers: RequestHeaders,
    limit: BodyLimit,
  ): Promise<RegistryResponse> {
    const signal = AbortSignal.timeout(this.registry.timeoutMs);
    let target = url;
    let authorization = headers.authorization;
    this.count(kind);
    try {
      for (let hop = 0; ; hop++) {
        await this.checkAddresses(target);
        this.stats.requests++;
        const requestHeaders: Record<string, string> = {};
        if (authorization) requestHeaders.authorization = authorization;
        if (headers.accept) requestHeaders.accept = headers.accept;
        const response = await this.options.fetch(target, {
          headers: requestHeaders,
          redirect: 'manual',
          signal,
        });
        if (
          response.status >= 300 &&
          response.status < 400 &&
          response.headers.has('location')
        ) {
          await response.body?.cancel().catch(() => {});
          if (hop >= MAX_REDIRECTS) {
            throw new RegistryResponseError(
              `more than ${MAX_REDIRECTS} redirects from ${url.pathname}`,
            );
          }
          const next = new URL(response.headers.get('location')!, target);
          if (
            checkRedirect(next, this.registry, {
              allowRedirectHosts: kind === 'blob',
            }) === 'redirect-host'
          ) {
            authorization = undefined;
          }
          target = next;
          continue;
        }
        const body = await readLimitedBody(response, limit);
        this.counted(outcomeOfStatus(response.status));
        return { status: response.status, headers: response.headers, body };
      }
    } catch (error) {
      this.counted(failureOutcome(error, signal));
      throw this.unreachable(error, url, target, signal);
    }
  }

  // The host is configured or one of the fixed public defaults (RegistryHosts
  // reaches no other), so it keeps the attribute's values few.
  private counted(outcome: RequestOutcome): void {
    this.options.metrics?.registryRequest(this.registry.host, outcome);
  }

  /** What a failed exchange is reported as: never an unconfigured registry's inner addresses. */
  private unreachable(
    error: unknown,
    url: URL,
    target: URL,
    signal: AbortSignal,
  ): unknown {
    if (
      this.registry.publicAddressesOnly &&
      !(error instanceof NotAllowedError)
    ) {
      if (error instanceof RegistryResponseError) return error;
      // Which host, port and failure would tell readers what answers where.
      return new ServiceUnavailableError(`cannot reach ${this.registry.host}`);
    }
    if (signal.aborted) {
      return new ServiceUnavailableError(
        `${this.registry.host} timed out after ${this.registry.timeoutMs} ms on ${url.pathname}`,
      );
    }
    // undici's "fetch failed" TypeError (by name: it may come from another
    // realm); the reason (ECONNREFUSED, ENOTFOUND...) is in `cause`.
    if (isError(error) && error.name === 'TypeError') {
      const cause = (error as { cause?: { code?: unknown; message?: unknown } })
        .cause;
      const reason =
        typeof cause?.code === 'string'
          ? cause.code
          : String(cause?.message ?? error.message);
      return new ServiceUnavailableError(
        `cannot reach ${target.protocol}//${target.host} (${reason})`,
      );
    }
    return error;
  }
}

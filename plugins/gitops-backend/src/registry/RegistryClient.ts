import { createHash } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  isError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { AuthChallenge, pickAuthChallenge } from './authChallenge';
import { nextLink } from './linkHeader';
import { isDigest, isTag, MANIFEST_ACCEPT } from './manifest';
import { ResolvedRegistry } from './RegistryConfig';
import { RegistryResponseError } from './RegistryResponseError';
import { parseRetryAfter } from './retryAfter';
import { Semaphore } from './Semaphore';
import { checkLinkTarget, checkRedirect, checkTokenRealm } from './trustedUrls';
import {
  AddressResolver,
  hostnameOf,
  isPublicAddress,
  systemResolver,
} from './publicAddress';
import { DEFAULT_REGISTRY_POLICY, RegistryPolicy } from './RegistryHosts';

/** Requests made to one registry since the process started. */
export type RegistryStats = {
  /** Every HTTP request: pings, tokens, pages, manifests, blobs, retries, redirect hops. */
  requests: number;
  tagPages: number;
  manifests: number;
  blobs: number;
};

type RequestKind = 'ping' | 'token' | 'tagPage' | 'manifest' | 'blob';

type RegistryResponse = {
  status: number;
  headers: Headers;
  body: Buffer;
};

export type FetchedManifest = {
  /** Digest of the manifest bytes, from `Docker-Content-Digest` or computed. */
  digest: string;
  contentType: string | null;
  json: unknown;
};

// Bounds on what a registry may send back, so a hostile one cannot exhaust
// memory. A tag page is small per tag; 100,000 tags fit in a few MB.
const BODY_LIMITS: Record<RequestKind, number> = {
  ping: 64 * 1024,
  token: 1024 * 1024,
  tagPage: 64 * 1024 * 1024,
  manifest: 4 * 1024 * 1024,
  blob: 8 * 1024 * 1024,
};
const MAX_REDIRECTS = 5;
const DEFAULT_PAGE_SIZE = 1000;
const MAX_PAGES = 100_000;
// Tokens are renewed this long before they expire, to absorb clock skew and latency.
const TOKEN_EXPIRY_MARGIN_MS = 10_000;
const DEFAULT_TOKEN_LIFETIME_S = 60;

type CachedToken = { value: string; expiresAt: number };

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new RegistryResponseError(`${what} is not valid JSON`);
  }
}

/** The registry's error code (`{"errors":[{"code":"NAME_UNKNOWN"}]}`), for messages. */
function errorCode(response: RegistryResponse): string {
  try {
    const code = JSON.parse(response.body.toString('utf8'))?.errors?.[0]?.code;
    return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code)
      ? ` ${code}`
      : '';
  } catch {
    return '';
  }
}

/** At most `limit` bytes of a response; `over` describes the limit when it is exceeded. */
type BodyLimit = { bytes: number; over?: string };

async function readLimitedBody(
  response: Response,
  { bytes: limit, over }: BodyLimit,
): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit) {
    await response.body?.cancel();
    throw new RegistryResponseError(
      over ?? `response of ${declared} bytes exceeds the ${limit} byte limit`,
    );
  }
  if (!response.body) {
    return Buffer.alloc(0);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) {
      // Leaving the loop cancels the stream.
      throw new RegistryResponseError(
        over ?? `response exceeds the ${limit} byte limit`,
      );
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size);
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Speaks the OCI distribution API to one registry: the `/v2/` ping (once),
 * anonymous, Basic and bearer-token auth, timeouts, bounded 429 retries,
 * a cap on requests in flight, and request counters.
 */
export class RegistryClient {
  readonly stats: RegistryStats = {
    requests: 0,
    tagPages: 0,
    manifests: 0,
    blobs: 0,
  };
  private readonly semaphore: Semaphore;
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;
  private pinged?: Promise<void>;
  private challenge?: AuthChallenge;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pendingTokens = new Map<string, Promise<CachedToken>>();

  constructor(
    readonly registry: ResolvedRegistry,
    private readonly deps: {
      fetch: typeof fetch;
      logger: LoggerService;
      /** Retries after 429/503 before giving up (default 3). */
      maxRetries?: number;
      /** Longest wait a `Retry-After` may ask for; longer fails at once (default 30 s). */
      maxRetryWaitMs?: number;
      /** Caps on one image's tag listing (defaults: {@link DEFAULT_REGISTRY_POLICY}). */
      limits?: Pick<RegistryPolicy, 'maxTagsPerImage' | 'maxListingBytes'>;
      /** Resolves host names for the public-address check; the system's by default. */
      resolveAddresses?: AddressResolver;
    },
  ) {
    this.semaphore = new Semaphore(registry.concurrency);
    this.maxRetries = deps.maxRetries ?? 3;
    this.maxRetryWaitMs = deps.maxRetryWaitMs ?? 30_000;
    this.limits = deps.limits ?? DEFAULT_REGISTRY_POLICY;
  }

  private readonly limits: Pick<RegistryPolicy, 'maxTagsPerImage' | 'maxListingBytes'>;

  /**
   * Every tag of `repository`, following `Link: rel="next"` pages on the
   * registry's own host. A listing over the tag or byte cap fails (it is
   * the image's problem) before it is held in memory whole.
   */
  async listTags(
    repository: string,
    pageSize = DEFAULT_PAGE_SIZE,
  ): Promise<string[]> {
    const { maxTagsPerImage, maxListingBytes } = this.limits;
    let listedBytes = 0;
    const tags: string[] = [];
    const visited = new Set<string>();
    let url: URL | undefined = this.url(
      `/v2/${repository}/tags/list?n=${pageSize}`,
    );
    while (url) {
      if (visited.has(url.href) || visited.size >= MAX_PAGES) {
        throw new RegistryResponseError(
          `the tag list pages loop or never end (at ${url.pathname}${url.search})`,
        );
      }
      visited.add(url.href);
      const response = await this.get(url, 'tagPage', repository, undefined, {
        bytes: Math.min(BODY_LIMITS.tagPage, maxListingBytes - listedBytes),
        over: `the tag listing is larger than ${maxListingBytes} bytes (gitops.registryPolicy.maxListingBytes)`,
      });
      listedBytes += response.body.length;
      if (response.status === 404) {
        throw new NotFoundError(
          `image not found (HTTP 404${errorCode(response)} listing tags)`,
        );
      }
      this.expectOk(response, 'listing tags');
      const page = parseJson(response.body, 'the tag list');
      const pageTags = (page as { tags?: unknown } | null)?.tags;
      if (
        pageTags !== null &&
        (!Array.isArray(pageTags) ||
          !pageTags.every(tag => typeof tag === 'string'))
      ) {
        throw new RegistryResponseError(
          'the tag list has no "tags" array of strings',
        );
      }
      if (pageTags) {
        for (const tag of pageTags) tags.push(tag);
      }
      if (tags.length > maxTagsPerImage) {
        throw new RegistryResponseError(
          `the image lists more than ${maxTagsPerImage} tags (gitops.registryPolicy.maxTagsPerImage)`,
        );
      }
      const link = nextLink(response.headers.get('link'));
      url = link ? checkLinkTarget(link, this.registry) : undefined;
    }
    return tags;
  }

  /** A manifest by tag or digest; any of the image and list media types. */
  async getManifest(
    repository: string,
    reference: string,
  ): Promise<FetchedManifest> {
    if (!isTag(reference) && !isDigest(reference)) {
      throw new RegistryResponseError(
        `"${reference}" is neither a tag nor a digest`,
      );
    }
    const response = await this.get(
      this.url(`/v2/${repository}/manifests/${reference}`),
      'manifest',
      repository,
      MANIFEST_ACCEPT,
    );
    if (response.status === 404) {
      throw new NotFoundError(
        `manifest ${reference} not found (HTTP 404${errorCode(response)})`,
      );
    }
    this.expectOk(response, `fetching manifest ${reference}`);
    const computed = sha256(response.body);
    if (
      isDigest(reference) &&
      reference.startsWith('sha256:') &&
      reference !== computed
    ) {
      throw new RegistryResponseError(
        `manifest ${reference} does not match its digest`,
      );
    }
    const header = response.headers.get('docker-content-digest');
    return {
      digest: isDigest(reference)
        ? reference
        : isDigest(header)
        ? header
        : computed,
      contentType: response.headers.get('content-type'),
      json: parseJson(response.body, `manifest ${reference}`),
    };
  }

  /** A JSON blob (an image config), checked against its digest. */
  async getJsonBlob(repository: string, digest: string): Promise<unknown> {
    const response = await this.get(
      this.url(`/v2/${repository}/blobs/${digest}`),
      'blob',
      repository,
    );
    if (response.status === 404) {
      throw new NotFoundError(
        `config blob ${digest} not found (HTTP 404${errorCode(response)})`,
      );
    }
    this.expectOk(response, `fetching config blob ${digest}`);
    if (digest.startsWith('sha256:') && sha256(response.body) !== digest) {
      throw new RegistryResponseError(
        `config blob ${digest} does not match its digest`,
      );
    }
    return parseJson(response.body, `config blob ${digest}`);
  }

  private url(path: string): URL {
    return new URL(path, this.registry.baseUrl);
  }

  private expectOk(response: RegistryResponse, what: string): void {
    if (response.status >= 200 && response.status < 300) {
      return;
    }
    if (response.status === 403) {
      throw new NotAllowedError(
        `access denied (HTTP 403${errorCode(response)}) ${what}`,
      );
    }
    throw new ServiceUnavailableError(
      `registry answered HTTP ${response.status}${errorCode(response)} ${what}`,
    );
  }

  /** GET with auth: answers a 401 challenge once (new token or first credentials), then gives up. */
  private async get(
    url: URL,
    kind: RequestKind,
    repository: string,
    accept?: string,
    limit?: BodyLimit,
  ): Promise<RegistryResponse> {
    await this.ping();
    const scope = `repository:${repository}:pull`;
    for (let answeredChallenge = false; ; answeredChallenge = true) {
      const authorization = await this.authorizationFor(scope);
      const response = await this.send(url, kind, { authorization, accept }, limit);
      if (response.status !== 401) {
        return response;
      }
      const challenge = pickAuthChallenge(
        response.headers.get('www-authenticate'),
      );
      this.tokens.delete(scope);
      if (answeredChallenge || !challenge) {
        throw this.unauthorized(authorization, challenge);
      }
      if (
        challenge.scheme === 'basic' &&
        (!this.registry.credentials || authorization)
      ) {
        // Basic credentials already sent were refused, or there are none to send.
        throw this.unauthorized(authorization, challenge);
      }
      this.challenge = challenge;
    }
  }

  private unauthorized(
    authorization: string | undefined,
    challenge: AuthChallenge | undefined,
  ): AuthenticationError {
    if (!this.registry.credentials) {
      // Docker Hub answers 401, not 404, for images that do not exist.
      const orMissing =
        challenge?.scheme === 'bearer' ? ' (or the image does not exist)' : '';
      return new AuthenticationError(
        `unauthorized (HTTP 401): ${this.registry.host} requires credentials${orMissing}; set username and password for it in gitops.registries`,
      );
    }
    if (
      challenge?.scheme === 'bearer' ||
      authorization?.startsWith('Bearer ')
    ) {
      return new AuthenticationError(
        `unauthorized (HTTP 401): ${this.registry.host} refused the token it issued for the configured user`,
      );
    }
    return new AuthenticationError(
      `unauthorized (HTTP 401): ${this.registry.host} rejected the configured username and password`,
    );
  }

  /** `/v2/` once per registry per process, to learn whether and how it wants auth. */
  private ping(): Promise<void> {
    if (!this.pinged) {
      this.pinged = this.sendPing().catch(error => {
        // A registry that was down may be back at the next scan.
        this.pinged = undefined;
        throw error;
      });
    }
    return this.pinged;
  }

  private async sendPing(): Promise<void> {
    const response = await this.send(this.url('/v2/'), 'ping', {});
    if (response.status === 401) {
      this.challenge = pickAuthChallenge(
        response.headers.get('www-authenticate'),
      );
      return;
    }
    if (response.status === 404) {
      throw new RegistryResponseError(
        `${this.registry.baseUrl.origin} is not an OCI registry (HTTP 404 on /v2/)`,
      );
    }
    this.expectOk(response, 'to the /v2/ ping');
  }

  private basicAuthorization(): string | undefined {
    const credentials = this.registry.credentials;
    return credentials
      ? `Basic ${Buffer.from(
          `${credentials.username}:${credentials.password}`,
        ).toString('base64')}`
      : undefined;
  }

  private async authorizationFor(scope: string): Promise<string | undefined> {
    const challenge = this.challenge;
    if (challenge?.scheme === 'basic') {
      return this.basicAuthorization();
    }
    if (challenge?.scheme === 'bearer') {
      return `Bearer ${(await this.token(scope, challenge)).value}`;
    }
    return undefined;
  }

  /** A bearer token for `scope`, cached until shortly before it expires; one request per scope at a time. */
  private async token(
    scope: string,
    challenge: AuthChallenge,
  ): Promise<CachedToken> {
    const cached = this.tokens.get(scope);
    if (cached && cached.expiresAt > Date.now()) {
      return cached;
    }
    let pending = this.pendingTokens.get(scope);
    if (!pending) {
      pending = this.fetchToken(scope, challenge).finally(() =>
        this.pendingTokens.delete(scope),
      );
      this.pendingTokens.set(scope, pending);
    }
    const token = await pending;
    this.tokens.set(scope, token);
    return token;
  }

  private async fetchToken(
    scope: string,
    challenge: AuthChallenge,
  ): Promise<CachedToken> {
    const realm = checkTokenRealm(challenge.params.realm, this.registry);
    const url = new URL(realm);
    if (challenge.params.service) {
      url.searchParams.set('service', challenge.params.service);
    }
    url.searchParams.set('scope', scope);
    const credentials = this.registry.credentials;
    const response = await this.send(url, 'token', {
      authorization: this.basicAuthorization(),
    });
    const where = `the token service ${realm.host}`;
    if (response.status === 401 || response.status === 403) {
      throw new AuthenticationError(
        `unauthorized (HTTP ${response.status}): ${where} refused ${
          credentials
            ? 'the configured username and password'
            : 'anonymous access; set username and password in gitops.registries'
        }`,
      );
    }
    if (response.status < 200 || response.status >= 300) {
      throw new ServiceUnavailableError(
        `${where} answered HTTP ${response.status}`,
      );
    }
    const body = parseJson(response.body, `the answer of ${where}`) as Record<
      string,
      unknown
    > | null;
    const value = body?.token ?? body?.access_token;
    if (typeof value !== 'string' || !value) {
      throw new RegistryResponseError(`the answer of ${where} holds no token`);
    }
    const lifetime =
      typeof body?.expires_in === 'number' && body.expires_in > 0
        ? body.expires_in
        : DEFAULT_TOKEN_LIFETIME_S;
    return {
      value,
      expiresAt:
        Date.now() +
        Math.max(lifetime * 1000 - TOKEN_EXPIRY_MARGIN_MS, lifetime * 500),
    };
  }

  /** One request with its bounded 429/503 retries; waits happen outside the concurrency slot. */
  private async send(
    url: URL,
    kind: RequestKind,
    headers: { authorization?: string; accept?: string },
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
      this.deps.logger.debug('Registry asked to slow down; retrying', {
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
    const resolve = this.deps.resolveAddresses ?? systemResolver;
    const addresses = await resolve(hostnameOf(target));
    if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
      throw new NotAllowedError(
        `registry host ${this.registry.host} is not allowed: ${target.hostname} does not resolve to public addresses only; add it to gitops.registries to reach it there`,
      );
    }
  }

  /** One exchange, redirects included, under one timeout; credentials never leave the registry's origin. */
  private async exchange(
    url: URL,
    kind: RequestKind,
    headers: { authorization?: string; accept?: string },
    limit: BodyLimit,
  ): Promise<RegistryResponse> {
    const signal = AbortSignal.timeout(this.registry.timeoutMs);
    let target = url;
    let authorization = headers.authorization;
    if (kind === 'tagPage') this.stats.tagPages++;
    if (kind === 'manifest') this.stats.manifests++;
    if (kind === 'blob') this.stats.blobs++;
    try {
      for (let hop = 0; ; hop++) {
        await this.checkAddresses(target);
        this.stats.requests++;
        const requestHeaders: Record<string, string> = {};
        if (authorization) requestHeaders.authorization = authorization;
        if (headers.accept) requestHeaders.accept = headers.accept;
        const response = await this.deps.fetch(target, {
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
        return { status: response.status, headers: response.headers, body };
      }
    } catch (error) {
      if (this.registry.publicAddressesOnly && !(error instanceof NotAllowedError)) {
        if (error instanceof RegistryResponseError) throw error;
        // Which host, port and failure would tell readers what answers where.
        throw new ServiceUnavailableError(`cannot reach ${this.registry.host}`);
      }
      if (signal.aborted) {
        throw new ServiceUnavailableError(
          `${this.registry.host} timed out after ${this.registry.timeoutMs} ms on ${url.pathname}`,
        );
      }
      // undici's "fetch failed" TypeError (by name: it may come from another
      // realm); the reason (ECONNREFUSED, ENOTFOUND...) is in `cause`.
      if (isError(error) && error.name === 'TypeError') {
        const cause = (
          error as { cause?: { code?: unknown; message?: unknown } }
        ).cause;
        const reason =
          typeof cause?.code === 'string'
            ? cause.code
            : String(cause?.message ?? error.message);
        throw new ServiceUnavailableError(
          `cannot reach ${target.protocol}//${target.host} (${reason})`,
        );
      }
      throw error;
    }
  }
}

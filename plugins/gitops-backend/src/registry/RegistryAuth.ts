import {
  AuthenticationError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ByteBudgetCache, processCacheBudgets } from '../kernel';
import { AuthChallenge, pickAuthChallenge } from './authChallenge';
import { BodyLimit } from './readLimitedBody';
import { ResolvedRegistry } from './RegistryConfig';
import { expectOk, parseJson, RegistryResponse } from './registryResponse';
import { RegistryResponseError } from './RegistryResponseError';
import { RegistryTransport, RequestKind } from './RegistryTransport';
import { checkTokenRealm } from './trustedUrls';

// Tokens are renewed this long before they expire, to absorb clock skew and latency.
const TOKEN_EXPIRY_MARGIN_MS = 10_000;
const DEFAULT_TOKEN_LIFETIME_S = 60;

type CachedToken = { value: string; expiresAt: number };

const sizeOfToken = (scope: string, token: CachedToken) =>
  64 + scope.length * 2 + token.value.length * 2;

/**
 * Authenticated reads from one registry: the `/v2/` ping (once) to learn
 * how it wants auth, then anonymous, Basic or bearer-token requests, with
 * tokens cached per repository scope (within the `registryTokens` byte
 * budget, so scanning ever more images does not keep ever more tokens).
 */
export class RegistryAuth {
  private pinged?: Promise<void>;
  private challenge?: AuthChallenge;
  private readonly tokens: ByteBudgetCache<string, CachedToken> =
    processCacheBudgets.create('registryTokens', sizeOfToken);
  private readonly pendingTokens = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly registry: ResolvedRegistry,
    private readonly transport: RegistryTransport,
  ) {}

  /** GET with auth: answers a 401 challenge once (new token or first credentials), then gives up. */
  async get(
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
      const response = await this.transport.send(
        url,
        kind,
        { authorization, accept },
        limit,
      );
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
    const response = await this.transport.send(
      new URL('/v2/', this.registry.baseUrl),
      'ping',
      {},
    );
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
    expectOk(response, 'to the /v2/ ping');
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
    const response = await this.transport.send(url, 'token', {
      authorization: this.basicAuthorization(),
    });
    const where = `the token service ${realm.host}`;
    this.expectTokenAnswer(response, where);
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

  private expectTokenAnswer(response: RegistryResponse, where: string): void {
    if (response.status === 401 || response.status === 403) {
      throw new AuthenticationError(
        `unauthorized (HTTP ${response.status}): ${where} refused ${
          this.registry.credentials
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
  }
}

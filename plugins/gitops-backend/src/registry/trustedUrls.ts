import { NotAllowedError } from '@backstage/errors';
import { ResolvedRegistry } from './RegistryConfig';

const LOOPBACK_HOSTNAMES = new Set(['localhost', '[::1]']);

/** Whether `url` names this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopback(url: URL): boolean {
  return (
    LOOPBACK_HOSTNAMES.has(url.hostname) ||
    /^127(?:\.\d{1,3}){3}$/.test(url.hostname)
  );
}

/**
 * Checks the bearer `realm` a registry announced before credentials are sent
 * there. Registry answers must not steer requests to arbitrary hosts (SSRF,
 * credential theft), so the realm must be on the registry's own host or on
 * the configured token realm's, and https, or http only for an http
 * registry on loopback (local test registries).
 */
export function checkTokenRealm(
  realm: string | undefined,
  registry: ResolvedRegistry,
): URL {
  if (!realm) {
    throw new NotAllowedError('the bearer challenge names no realm');
  }
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new NotAllowedError('the bearer challenge realm is not a URL');
  }
  const base = registry.baseUrl;
  const httpAllowed = base.protocol === 'http:' && isLoopback(base);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && httpAllowed)) {
    throw new NotAllowedError(
      `refused the token realm ${url.protocol}//${url.host}: it must be https`,
    );
  }
  if (url.username || url.password) {
    throw new NotAllowedError(
      `refused the token realm on ${url.host}: it holds credentials`,
    );
  }
  const trusted =
    url.host === base.host || url.origin === registry.tokenRealm?.origin;
  if (!trusted) {
    throw new NotAllowedError(
      `refused the token realm on ${url.host}: only ${base.host}${
        registry.tokenRealm ? ` and ${registry.tokenRealm.host}` : ''
      } are trusted for ${
        registry.host
      } (set tokenRealm in gitops.registries to trust another)`,
    );
  }
  return url;
}

/**
 * Where a redirect may lead: the registry's own origin (credentials kept),
 * or, for blob downloads only, an https host listed in `redirectHosts`
 * (credentials dropped). Anything else is refused.
 */
export function checkRedirect(
  target: URL,
  registry: ResolvedRegistry,
  options: { allowRedirectHosts: boolean },
): 'same-origin' | 'redirect-host' {
  if (target.origin === registry.baseUrl.origin) {
    return 'same-origin';
  }
  if (
    options.allowRedirectHosts &&
    target.protocol === 'https:' &&
    !target.username &&
    !target.password &&
    registry.redirectHosts.includes(target.host)
  ) {
    return 'redirect-host';
  }
  throw new NotAllowedError(
    `refused to follow a redirect from ${registry.baseUrl.host} to ${
      target.protocol
    }//${target.host}: not the registry's own host${
      options.allowRedirectHosts ? ' nor one of its redirectHosts' : ''
    }`,
  );
}

/** A `Link` target, resolved against the registry base; only the registry's own origin is followed. */
export function checkLinkTarget(link: string, registry: ResolvedRegistry): URL {
  let url: URL;
  try {
    url = new URL(link, registry.baseUrl);
  } catch {
    throw new NotAllowedError('the tag list Link header is not a URL');
  }
  if (url.origin !== registry.baseUrl.origin) {
    throw new NotAllowedError(
      `refused to follow the tag list Link to ${url.protocol}//${url.host}: not the registry's own host ${registry.baseUrl.host}`,
    );
  }
  return url;
}

import { NotAllowedError } from '@backstage/errors';
import { resolveRegistry } from './RegistryConfig';
import {
  checkLinkTarget,
  checkRedirect,
  checkTokenRealm,
  isLoopback,
} from './trustedUrls';

describe('checkTokenRealm', () => {
  const hub = resolveRegistry({ host: 'docker.io' });
  const ghcr = resolveRegistry({ host: 'ghcr.io' });
  const local = resolveRegistry({
    host: '127.0.0.1:5000',
    url: 'http://127.0.0.1:5000',
  });
  const lan = resolveRegistry({
    host: 'registry.lan:5000',
    url: 'http://registry.lan:5000',
  });

  it('trusts the registry host and the configured realm', () => {
    expect(checkTokenRealm('https://ghcr.io/token', ghcr).href).toBe(
      'https://ghcr.io/token',
    );
    expect(checkTokenRealm('https://auth.docker.io/token', hub).host).toBe(
      'auth.docker.io',
    );
    expect(checkTokenRealm('http://127.0.0.1:5000/token', local).protocol).toBe(
      'http:',
    );
  });

  it('refuses other hosts', () => {
    expect(() => checkTokenRealm('https://evil.example/token', ghcr)).toThrow(
      NotAllowedError,
    );
    expect(() =>
      checkTokenRealm('https://169.254.169.254/latest', hub),
    ).toThrow(
      'refused the token realm on 169.254.169.254: only registry-1.docker.io and auth.docker.io are trusted',
    );
    expect(() => checkTokenRealm('http://127.0.0.1:5001/token', local)).toThrow(
      NotAllowedError,
    );
  });

  it('refuses http unless the registry itself is http on loopback', () => {
    expect(() => checkTokenRealm('http://ghcr.io/token', ghcr)).toThrow(
      'it must be https',
    );
    expect(() =>
      checkTokenRealm('http://registry.lan:5000/token', lan),
    ).toThrow('it must be https');
  });

  it('refuses a missing, malformed or credentialed realm', () => {
    expect(() => checkTokenRealm(undefined, ghcr)).toThrow('names no realm');
    expect(() => checkTokenRealm('not a url', ghcr)).toThrow('not a URL');
    expect(() => checkTokenRealm('https://u:p@ghcr.io/token', ghcr)).toThrow(
      'holds credentials',
    );
  });
});

describe('checkRedirect', () => {
  const hub = resolveRegistry({ host: 'docker.io' });

  it('follows the registry origin, and configured CDNs for blobs only', () => {
    const cdn = new URL('https://production.cloudflare.docker.com/blob');
    expect(
      checkRedirect(new URL('https://registry-1.docker.io/v2/x'), hub, {
        allowRedirectHosts: false,
      }),
    ).toBe('same-origin');
    expect(checkRedirect(cdn, hub, { allowRedirectHosts: true })).toBe(
      'redirect-host',
    );
    expect(() =>
      checkRedirect(cdn, hub, { allowRedirectHosts: false }),
    ).toThrow(NotAllowedError);
    expect(() =>
      checkRedirect(
        new URL('http://production.cloudflare.docker.com/blob'),
        hub,
        { allowRedirectHosts: true },
      ),
    ).toThrow('refused to follow a redirect');
    expect(() =>
      checkRedirect(new URL('https://169.254.169.254/'), hub, {
        allowRedirectHosts: true,
      }),
    ).toThrow("not the registry's own host nor one of its redirectHosts");
  });
});

describe('checkLinkTarget', () => {
  const local = resolveRegistry({
    host: 'localhost:5000',
    url: 'http://localhost:5000',
  });

  it('resolves relative links against the registry and refuses other origins', () => {
    expect(checkLinkTarget('/v2/a/tags/list?last=x', local).href).toBe(
      'http://localhost:5000/v2/a/tags/list?last=x',
    );
    expect(() =>
      checkLinkTarget('http://localhost:5001/v2/a/tags/list', local),
    ).toThrow('refused to follow the tag list Link');
    expect(() => checkLinkTarget('//evil.example/v2/', local)).toThrow(
      NotAllowedError,
    );
  });
});

describe('isLoopback', () => {
  it('knows loopback names', () => {
    expect(isLoopback(new URL('http://127.1.2.3:1'))).toBe(true);
    expect(isLoopback(new URL('http://localhost'))).toBe(true);
    expect(isLoopback(new URL('http://[::1]:5000'))).toBe(true);
    expect(isLoopback(new URL('http://10.0.0.1'))).toBe(false);
  });
});

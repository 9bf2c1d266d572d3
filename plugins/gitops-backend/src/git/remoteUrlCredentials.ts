// `scheme://userinfo@`: the userinfo is everything up to the first '@'
// before the path; WHATWG URL parsing would hide a userinfo it cannot parse.
const URL_USERINFO = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)@/i;

/**
 * Whether a remote URL carries a credential in its userinfo. In http(s) and
 * file URLs any userinfo is one (hosts take a token as the username); in
 * ssh URLs only a password is, since `ssh://git@host/...` names the ssh
 * user. scp-like `git@host:path` has no scheme and names the user only.
 */
export function hasUrlCredentials(url: string): boolean {
  const match = URL_USERINFO.exec(url);
  if (!match) return false;
  const [, scheme, userinfo] = match;
  return scheme.toLowerCase() !== 'ssh' || userinfo.includes(':');
}

/**
 * The URL as it may be shown: the credential part of its userinfo (all of
 * it, or an ssh URL's password) removed. Config refuses such URLs at start;
 * this guards what is shown from rows stored before that check.
 */
export function withoutUrlCredentials(url: string): string {
  const match = URL_USERINFO.exec(url);
  if (!match || !hasUrlCredentials(url)) return url;
  const [whole, scheme, userinfo] = match;
  const kept =
    scheme.toLowerCase() === 'ssh'
      ? `${userinfo.slice(0, userinfo.indexOf(':'))}@`
      : '';
  return `${scheme}://${kept}${url.slice(whole.length)}`;
}

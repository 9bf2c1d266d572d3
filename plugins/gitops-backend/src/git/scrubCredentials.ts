const REDACTED = '***';

// PEM and OpenSSH private keys, whole blocks, wherever they come from.
const PRIVATE_KEY_BLOCK =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;

// The credential part of an Authorization header, as GIT_TRACE_CURL would print it.
const AUTHORIZATION_VALUE = /(Authorization:\s*(?:Basic|Bearer|token)\s+)\S+/gi;

// Userinfo of a URL: http(s) userinfo is always a credential (a token may be
// the username); elsewhere only a password after the colon is.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*):\/\/([^\s/@]+)@/gi;

/**
 * Removes credentials from text that may reach a log or an error message:
 * the given secrets verbatim, private keys, Authorization headers and the
 * userinfo of URLs.
 */
export function scrubCredentials(text: string, secrets: string[]): string {
  let scrubbed = text;
  // Longest first, so a secret containing another is removed whole.
  const ordered = secrets
    .filter(secret => secret.length > 0)
    .sort((a, b) => b.length - a.length);
  for (const secret of ordered) {
    scrubbed = scrubbed.split(secret).join(REDACTED);
  }
  return scrubbed
    .replace(PRIVATE_KEY_BLOCK, '[private key]')
    .replace(AUTHORIZATION_VALUE, `$1${REDACTED}`)
    .replace(URL_USERINFO, (match, scheme: string, userinfo: string) => {
      if (/^https?$/i.test(scheme)) {
        return `${scheme}://${REDACTED}@`;
      }
      const colon = userinfo.indexOf(':');
      return colon === -1
        ? match
        : `${scheme}://${userinfo.slice(0, colon)}:${REDACTED}@`;
    });
}

/**
 * The forms in which a secret may show up in git's output: verbatim,
 * URL-encoded, and each long line of a multi-line key.
 */
export function secretVariants(secret: string): string[] {
  const variants = new Set<string>([secret, encodeURIComponent(secret)]);
  for (const line of secret.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed.length >= 16) {
      variants.add(trimmed);
    }
  }
  return [...variants].filter(variant => variant.length > 0);
}

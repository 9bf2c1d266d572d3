/** One challenge of a `WWW-Authenticate` header; `scheme` is lower-case. */
export type AuthChallenge = {
  scheme: string;
  params: Record<string, string>;
};

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const PARAM =
  /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/y;

/**
 * Parses `WWW-Authenticate` (RFC 9110 section 11.6.1), which may hold several
 * challenges: `Bearer realm="https://auth.example/token",service="x"`.
 */
export function parseAuthChallenges(header: string | null): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  if (!header) {
    return challenges;
  }
  let at = 0;
  while (at < header.length) {
    while (at < header.length && /[\s,]/.test(header[at])) at++;
    TOKEN.lastIndex = at;
    const scheme = TOKEN.exec(header);
    if (!scheme) break;
    at = TOKEN.lastIndex;
    const params: Record<string, string> = {};
    for (;;) {
      PARAM.lastIndex = at;
      const param = PARAM.exec(header);
      if (!param) break;
      params[param[1].toLowerCase()] =
        param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3];
      at = PARAM.lastIndex;
    }
    challenges.push({ scheme: scheme[0].toLowerCase(), params });
    // Skip what is not a parameter, such as a token68 blob; registries send none.
    while (at < header.length && !/[\s,]/.test(header[at])) at++;
  }
  return challenges;
}

/** The challenge this client can answer: Bearer before Basic; undefined if neither. */
export function pickAuthChallenge(
  header: string | null,
): AuthChallenge | undefined {
  const challenges = parseAuthChallenges(header);
  return (
    challenges.find(c => c.scheme === 'bearer' && c.params.realm) ??
    challenges.find(c => c.scheme === 'basic')
  );
}

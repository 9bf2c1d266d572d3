/**
 * A git remote's url reduced to what names the repository, so that the
 * spellings of one repository compare equal: `https://host/org/repo.git`,
 * `ssh://git@host/org/repo`, `git@host:org/repo.git/` all give
 * `host/org/repo`. Host names compare case-insensitively, paths do not.
 * Local paths (`/srv/repo.git`, `file:///srv/repo`) give the path.
 */
export function normalizeGitUrl(url: string): string {
  let text = url.trim();
  let host = '';
  let path: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme) {
    text = text.slice(scheme[0].length);
    if (scheme[1].toLowerCase() === 'file') {
      path = text;
    } else {
      const slash = text.indexOf('/');
      const authority = slash < 0 ? text : text.slice(0, slash);
      path = slash < 0 ? '' : text.slice(slash);
      host = withoutDefaultPort(
        authority.slice(authority.lastIndexOf('@') + 1).toLowerCase(),
        scheme[1].toLowerCase(),
      );
    }
  } else {
    // scp-like `user@host:path`; a colon after a slash is part of a path.
    const scp = /^(?:[^@/]+@)?([^:/]+):(.*)$/.exec(text);
    if (scp && !/^[a-z]:[\\/]/i.test(text)) {
      host = scp[1].toLowerCase();
      path = scp[2];
    } else {
      path = text;
    }
  }
  path = path
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  if (host) path = path.replace(/^\/+/, '').replace(/^~/, '');
  return host ? `${host}/${path}` : path;
}

const DEFAULT_PORTS: Record<string, string> = {
  https: '443',
  http: '80',
  ssh: '22',
  git: '9418',
};

function withoutDefaultPort(host: string, scheme: string): string {
  const port = DEFAULT_PORTS[scheme];
  return port && host.endsWith(`:${port}`)
    ? host.slice(0, -port.length - 1)
    : host;
}

/** Whether two git urls name the same repository. */
export function sameGitRepository(a: string, b: string): boolean {
  return normalizeGitUrl(a) === normalizeGitUrl(b);
}

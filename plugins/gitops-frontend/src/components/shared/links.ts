import {
  GitopsRelease,
  GitopsRepositoryStatus,
} from '@backstage-gitops/plugin-gitops-common';

type WebRepository = { base: string; kind: 'github' | 'gitlab' };

/**
 * The web page of a config repository, when its URL tells it: only https
 * URLs of GitHub- or GitLab-like hosts, whose commit pages have a known
 * address. Anything else (ssh, file paths, unknown hosts) gets no link
 * rather than a guessed one.
 */
export function webRepository(
  url: string | undefined,
): WebRepository | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:') return undefined;
  const host = parsed.hostname.toLowerCase();
  let kind: WebRepository['kind'];
  if (host.includes('github')) kind = 'github';
  else if (host.includes('gitlab')) kind = 'gitlab';
  else return undefined;
  const path = parsed.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  if (path.split('/').filter(Boolean).length < 2) return undefined;
  // `host` leaves out any user and password the URL carries.
  return { base: `https://${parsed.host}${path}`, kind };
}

/** Links to commits and files of the config repositories, by repository id. */
export type RepositoryLinks = {
  commit(repositoryId: string, sha: string): string | undefined;
  file(repositoryId: string, sha: string, path: string): string | undefined;
};

export function repositoryLinks(
  repositories: GitopsRepositoryStatus[] | undefined,
): RepositoryLinks {
  const byId = new Map(
    (repositories ?? []).map(r => [r.id, webRepository(r.url)] as const),
  );
  const sep = (web: WebRepository) => (web.kind === 'gitlab' ? '/-' : '');
  return {
    commit(repositoryId, sha) {
      const web = byId.get(repositoryId);
      return web && sha ? `${web.base}${sep(web)}/commit/${sha}` : undefined;
    },
    file(repositoryId, sha, path) {
      const web = byId.get(repositoryId);
      if (!web || !sha || !path) return undefined;
      const file = path.split('/').map(encodeURIComponent).join('/');
      return `${web.base}${sep(web)}/blob/${sha}/${file}`;
    },
  };
}

export const shortSha = (sha: string) => sha.slice(0, 8);

/** A release and the links of its repositories: what most parts of a card show. */
export type ReleaseWithLinks = {
  release: GitopsRelease;
  links: RepositoryLinks;
};

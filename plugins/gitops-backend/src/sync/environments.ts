import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { EnvironmentConfig } from '../config';
import { GitTreeEntry } from '../git';

const RELEASES_FOLDER = 'releases';

/**
 * The environments of one repository: those configured for it, else one per
 * `releases/<env>/` folder, ordered by name.
 */
export function resolveEnvironments(
  repositoryId: string,
  configured: EnvironmentConfig[],
  releasesTree: GitTreeEntry[],
): GitopsEnvironment[] {
  const own = configured.filter(env => env.repository === repositoryId);
  if (own.length > 0) {
    return own.map(env => ({
      name: env.name,
      repository: repositoryId,
      path: env.path,
      cluster: env.cluster,
      order: env.order,
    }));
  }
  const names = releasesTree
    .filter(entry => entry.type === 'tree')
    .map(entry => entry.path.split('/'))
    .filter(parts => parts.length === 2 && parts[0] === RELEASES_FOLDER)
    .map(parts => parts[1])
    .sort();
  return names.map((name, index) => ({
    name,
    repository: repositoryId,
    path: `${RELEASES_FOLDER}/${name}`,
    order: index + 1,
  }));
}

/** The environment a file belongs to: the one with the longest matching folder. */
export function environmentOf(
  path: string,
  environments: GitopsEnvironment[],
): GitopsEnvironment | undefined {
  let best: GitopsEnvironment | undefined;
  for (const env of environments) {
    if (path.startsWith(`${env.path}/`)) {
      if (!best || env.path.length > best.path.length) best = env;
    }
  }
  return best;
}

export function sameEnvironments(
  a: GitopsEnvironment[],
  b: GitopsEnvironment[],
): boolean {
  const key = (envs: GitopsEnvironment[]) =>
    JSON.stringify(
      [...envs]
        .sort((x, y) => x.name.localeCompare(y.name))
        .map(e => [e.name, e.path, e.cluster ?? null, e.order, e.kustomization ?? null]),
    );
  return key(a) === key(b);
}

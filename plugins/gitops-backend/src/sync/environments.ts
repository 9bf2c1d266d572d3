import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { EnvironmentConfig } from '../config';
import { GitTreeEntry } from '../git';
import {
  ClusterKustomization,
  deriveFluxEnvironments,
} from './fluxEnvironments';

export const RELEASES_FOLDER = 'releases';

/**
 * The environments of one repository: those configured for it (one that
 * leaves out its path takes the folder of the Kustomization in
 * `clusters/<name>/`, when there is one), else one per `releases/<env>/`
 * folder, ordered by name, else those Flux's `clusters/<env>/`
 * Kustomizations describe (`deriveFluxEnvironments`). Each takes the
 * Kustomization of `clusters/<name>/` that applies its folder.
 */
export function resolveEnvironments(
  repositoryId: string,
  configured: EnvironmentConfig[],
  releasesTree: GitTreeEntry[],
  flux: {
    kustomizations: ClusterKustomization[];
    folderExists: (folder: string) => boolean;
  } = { kustomizations: [], folderExists: () => false },
): GitopsEnvironment[] {
  const kustomizationOf = (name: string, folder?: string) =>
    flux.kustomizations.find(
      k =>
        k.environment === name && (folder === undefined || k.folder === folder),
    );
  const withKustomization = (env: GitopsEnvironment): GitopsEnvironment => {
    const k = kustomizationOf(env.name, env.path);
    return k
      ? { ...env, kustomization: { namespace: k.namespace, name: k.name } }
      : env;
  };
  const own = configured.filter(env => env.repository === repositoryId);
  if (own.length > 0) {
    return own.map(env =>
      withKustomization({
        name: env.name,
        repository: repositoryId,
        path:
          (env.pathDefaulted && kustomizationOf(env.name)?.folder) || env.path,
        cluster: env.cluster,
        order: env.order,
      }),
    );
  }
  const names = releasesTree
    .filter(entry => entry.type === 'tree')
    .map(entry => entry.path.split('/'))
    .filter(parts => parts.length === 2 && parts[0] === RELEASES_FOLDER)
    .map(parts => parts[1])
    .sort();
  if (names.length === 0) {
    return deriveFluxEnvironments(
      repositoryId,
      flux.kustomizations,
      flux.folderExists,
    );
  }
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
        .map(e => [
          e.name,
          e.path,
          e.cluster ?? null,
          e.order,
          e.kustomization ?? null,
        ]),
    );
  return key(a) === key(b);
}

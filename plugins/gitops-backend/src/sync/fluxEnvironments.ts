import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { FluxObjectRecord } from '../database';
import { isWithin, resolveRepositoryPath } from '../manifests';

/** Flux's bootstrap folder: one subfolder per cluster (environment). */
export const CLUSTERS_FOLDER = 'clusters';

/** A Flux Kustomization found in `clusters/<env>/`, and the folder it applies. */
export type ClusterKustomization = {
  /** `<env>` of `clusters/<env>/...`. */
  environment: string;
  namespace: string;
  name: string;
  /** `spec.path`, normalized: no `./`, no trailing slash. */
  folder: string;
  path: string;
  line: number;
};

/** The `<env>` of a file under `clusters/<env>/`, if it is one. */
export function clusterOf(path: string): string | undefined {
  const parts = path.split('/');
  return parts.length >= 3 && parts[0] === CLUSTERS_FOLDER
    ? parts[1]
    : undefined;
}

/**
 * The Kustomizations of `clusters/<env>/` that apply a folder outside
 * `clusters/` (the one `flux bootstrap` writes for `clusters/<env>` itself
 * does not describe an environment), first by file and line.
 */
export function clusterKustomizations(
  objects: FluxObjectRecord[],
): ClusterKustomization[] {
  const found: ClusterKustomization[] = [];
  for (const object of objects) {
    const environment = clusterOf(object.path);
    if (object.kind !== 'Kustomization' || !environment) continue;
    const written = object.spec.path;
    const folder =
      typeof written === 'string'
        ? resolveRepositoryPath('', written)
        : undefined;
    if (!folder || isWithin(folder, CLUSTERS_FOLDER)) continue;
    found.push({
      environment,
      namespace: object.namespace,
      name: object.name,
      folder,
      path: object.path,
      line: object.line,
    });
  }
  return found.sort(
    (a, b) =>
      Number(a.path > b.path) - Number(a.path < b.path) || a.line - b.line,
  );
}

/** Where a name stands in the usual pipeline; unknown names come after, by name. */
const STAGES = [
  ['dev', 'development'],
  ['test', 'qa'],
  ['stg', 'staging'],
  ['prod', 'production'],
];
function stageOf(name: string): number {
  const index = STAGES.findIndex(names => names.includes(name));
  return index < 0 ? STAGES.length : index;
}

/**
 * The environments of a repository in Flux's layout: one per `clusters/<env>/`
 * whose Kustomization applies a folder of the repository (the first, when
 * several do), in pipeline order: dev, test, staging, production, then the
 * others by name. `folderExists` says whether the repository has the folder.
 */
export function deriveFluxEnvironments(
  repositoryId: string,
  kustomizations: ClusterKustomization[],
  folderExists: (folder: string) => boolean,
): GitopsEnvironment[] {
  const byEnvironment = new Map<string, ClusterKustomization>();
  for (const k of kustomizations) {
    if (!byEnvironment.has(k.environment) && folderExists(k.folder)) {
      byEnvironment.set(k.environment, k);
    }
  }
  return [...byEnvironment.values()]
    .sort(
      (a, b) =>
        stageOf(a.environment) - stageOf(b.environment) ||
        a.environment.localeCompare(b.environment),
    )
    .map((k, index) => ({
      name: k.environment,
      repository: repositoryId,
      path: k.folder,
      order: index + 1,
      kustomization: { namespace: k.namespace, name: k.name },
    }));
}

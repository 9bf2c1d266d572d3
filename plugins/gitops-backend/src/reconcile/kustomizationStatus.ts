import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { ClusterApi } from '../cluster';
import { EnvironmentFluxStatusRecord } from '../database';
import { errorMessage } from '../kernel';
import { ClusterEnvironmentSettings } from './applyEnvironments';
import { fluxConditions, textField } from './fluxConditions';
import { commitOfFluxRevision } from './fluxRevision';

export const KUSTOMIZE_NOT_SERVED = 'Flux kustomize API not served';

type FluxObject = Record<string, unknown>;

/** `./apps/dev/`, `apps/dev` and `apps/dev/` name one folder. */
function folderOf(path: string): string {
  let folder = path.trim();
  while (folder.startsWith('./')) folder = folder.slice(2);
  while (folder.endsWith('/')) folder = folder.slice(0, -1);
  return folder === '.' ? '' : folder;
}

function metadataOf(object: FluxObject): { namespace: string; name: string } {
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  return {
    namespace: textField(metadata.namespace) ?? '',
    name: textField(metadata.name) ?? '',
  };
}

/**
 * The environments of this cluster whose Kustomization is read: those Flux
 * applies (`apply: false`) and those git names a Kustomization for. None
 * means no request.
 */
export function environmentsFluxApplies(
  environments: GitopsEnvironment[],
  settings: Map<string, ClusterEnvironmentSettings>,
): GitopsEnvironment[] {
  return environments.filter(
    env => settings.get(env.name)?.apply !== true || !!env.kustomization,
  );
}

/**
 * The Kustomization that applies an environment: the one git names
 * (`clusters/<env>`), else the one whose `spec.path` is the environment's
 * folder (the first by namespace and name when several are).
 */
function kustomizationOf(
  env: GitopsEnvironment,
  items: FluxObject[],
): FluxObject | undefined {
  if (env.kustomization) {
    const { namespace, name } = env.kustomization;
    return items.find(item => {
      const meta = metadataOf(item);
      return meta.namespace === namespace && meta.name === name;
    });
  }
  const folder = folderOf(env.path);
  return items
    .filter(item => {
      const spec = (item.spec ?? {}) as Record<string, unknown>;
      const path = textField(spec.path);
      return path !== undefined && folderOf(path) === folder;
    })
    .sort((a, b) => {
      const x = metadataOf(a);
      const y = metadataOf(b);
      return `${x.namespace}/${x.name}`.localeCompare(
        `${y.namespace}/${y.name}`,
      );
    })[0];
}

function describeKustomization(
  object: FluxObject,
): EnvironmentFluxStatusRecord['kustomization'] {
  const status = (object.status ?? {}) as Record<string, unknown>;
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const [ready] = fluxConditions(status, ['Ready']);
  const lastAppliedRevision = textField(status.lastAppliedRevision);
  const lastAttemptedRevision = textField(status.lastAttemptedRevision);
  const appliedCommit = commitOfFluxRevision(lastAppliedRevision);
  const attemptedCommit = commitOfFluxRevision(lastAttemptedRevision);
  return {
    ...metadataOf(object),
    ...(ready ? { ready } : {}),
    ...(lastAppliedRevision ? { lastAppliedRevision } : {}),
    ...(appliedCommit ? { appliedCommit } : {}),
    ...(lastAttemptedRevision ? { lastAttemptedRevision } : {}),
    ...(attemptedCommit ? { attemptedCommit } : {}),
    suspended: spec.suspend === true,
  };
}

/**
 * Reads, with one list of Kustomizations for the whole cluster, the status
 * of the Kustomization that applies each environment Flux applies. A
 * cluster without the kustomize API, or a refused list, is a problem of the
 * environment, not of the cycle; a failed read keeps the Kustomization last
 * read (a misread forgets nothing).
 */
export async function readEnvironmentFluxStatuses(input: {
  cluster: string;
  api: ClusterApi;
  environments: GitopsEnvironment[];
  settings: Map<string, ClusterEnvironmentSettings>;
  /** What the last cycle stored, asked only when the read fails. */
  previous: () => Promise<EnvironmentFluxStatusRecord[]>;
  at: Date;
}): Promise<EnvironmentFluxStatusRecord[]> {
  const { cluster, api, at } = input;
  const wanted = environmentsFluxApplies(input.environments, input.settings);
  if (wanted.length === 0) return [];
  const observedAt = at.toISOString();
  let items: FluxObject[];
  try {
    const list = await api.listFluxObjects('Kustomization');
    if (!list.served) {
      return wanted.map(env => ({
        environment: env.name,
        cluster,
        problem: KUSTOMIZE_NOT_SERVED,
        observedAt,
      }));
    }
    items = list.items;
  } catch (error) {
    const problem = `Kustomizations not read: ${errorMessage(error)}`;
    const before = new Map(
      (await input.previous()).map(p => [p.environment, p]),
    );
    return wanted.map(env => {
      const kept = before.get(env.name)?.kustomization;
      return {
        environment: env.name,
        cluster,
        ...(kept ? { kustomization: kept } : {}),
        problem,
        observedAt,
      };
    });
  }
  return wanted.map(env => {
    const found = kustomizationOf(env, items);
    if (found) {
      return {
        environment: env.name,
        cluster,
        kustomization: describeKustomization(found),
        observedAt,
      };
    }
    const problem = env.kustomization
      ? `Kustomization ${env.kustomization.namespace}/${env.kustomization.name} not found in the cluster`
      : `no Kustomization in the cluster applies ./${folderOf(env.path)}`;
    return { environment: env.name, cluster, problem, observedAt };
  });
}

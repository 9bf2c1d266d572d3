import { DesiredObject } from './environmentObjects';

/** Where one environment may write in its cluster. */
export type ApplyLane = {
  /** Namespaces the environment owns, and no other environment of its cluster claims. */
  namespaces: Set<string>;
  /** Namespaces it claims together with other environments: namespace -> every claimant. */
  contested: Map<string, string[]>;
  /** Cluster-scoped kinds it may apply besides its own Namespaces. */
  clusterScopedKinds: Set<string>;
};

/**
 * The lanes of the environments that apply to one cluster. A namespace
 * claimed by two of them belongs to neither: each gets a problem, and
 * neither can write into the other's objects by claiming its namespace.
 */
export function applyLanes(
  environments: Array<{
    name: string;
    namespaces: string[];
    clusterScopedKinds: string[];
  }>,
): Map<string, ApplyLane> {
  const claimants = new Map<string, string[]>();
  for (const env of environments) {
    for (const namespace of new Set(env.namespaces)) {
      claimants.set(namespace, [...(claimants.get(namespace) ?? []), env.name]);
    }
  }
  return new Map(
    environments.map(env => {
      const lane: ApplyLane = {
        namespaces: new Set(),
        contested: new Map(),
        clusterScopedKinds: new Set(env.clusterScopedKinds),
      };
      for (const namespace of env.namespaces) {
        const claims = claimants.get(namespace)!;
        if (claims.length > 1) lane.contested.set(namespace, claims);
        else lane.namespaces.add(namespace);
      }
      return [env.name, lane];
    }),
  );
}

/** Where a HelmRelease makes its operator write, besides its own namespace. */
function helmTargetNamespaces(object: DesiredObject): string[] {
  if (object.kind !== 'HelmRelease') return [];
  const spec = (object.object as { spec?: Record<string, unknown> }).spec ?? {};
  return ['targetNamespace', 'storageNamespace']
    .map(field => spec[field])
    .filter(
      (value): value is string => typeof value === 'string' && value !== '',
    );
}

/** Why the object may not be applied by this environment; undefined when it may. */
export function laneRefusal(
  object: DesiredObject,
  lane: ApplyLane,
): string | undefined {
  const refuseNamespace = (
    namespace: string,
    what: string,
  ): string | undefined => {
    if (lane.namespaces.has(namespace)) return undefined;
    const claims = lane.contested.get(namespace);
    if (claims) {
      return `${what} namespace ${namespace}, which environments ${claims.join(
        ' and ',
      )} both claim; set gitops.environments[].namespaces so that one owns it`;
    }
    return `${what} namespace ${namespace}, which this environment does not own (gitops.environments[].namespaces)`;
  };
  if (object.kind === 'Namespace')
    return refuseNamespace(object.name, 'refused: it is');
  if (object.namespace === '') {
    if (lane.clusterScopedKinds.has(object.kind)) return undefined;
    return `refused: ${object.kind} has no namespace and is not a cluster-scoped kind this environment may apply (gitops.environments[].clusterScopedKinds)`;
  }
  const own = refuseNamespace(object.namespace, 'refused: it is in');
  if (own) return own;
  for (const target of helmTargetNamespaces(object)) {
    const refusal = refuseNamespace(target, 'refused: it deploys to');
    if (refusal) return refusal;
  }
  return undefined;
}

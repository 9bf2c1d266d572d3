/** What the server knows about one kind of object, as discovery describes it. */
export type ResourceType = {
  /** `''` for the core group. */
  group: string;
  /** Served versions, preferred first; all share one storage. */
  versions: string[];
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /**
   * Defined by a CustomResourceDefinition. The real server then keeps
   * `apiVersion`/`kind` on list items and refuses strategic merge patches;
   * built-in kinds do neither.
   */
  custom: boolean;
  /** Has a `/status` subresource, so writes to the object ignore `status`. */
  statusSubresource: boolean;
  /** Keeps `metadata.generation` (Secrets and ConfigMaps do not). */
  tracksGeneration: boolean;
};

export type ResourceTypeInput = Pick<
  ResourceType,
  'group' | 'versions' | 'kind' | 'plural'
> &
  Partial<Omit<ResourceType, 'group' | 'versions' | 'kind' | 'plural'>>;

export function parseApiVersion(apiVersion: string): {
  group: string;
  version: string;
} {
  const slash = apiVersion.indexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : {
        group: apiVersion.slice(0, slash),
        version: apiVersion.slice(slash + 1),
      };
}

export function formatApiVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** One storage per group and plural, whichever version a client speaks. */
export function storageKeyOf(type: ResourceType): string {
  return `${type.group}/${type.plural}`;
}

/**
 * The kinds the double serves. Anything else answers 404, as an API server
 * without that CRD would, so that a product bug of applying an unknown kind
 * is not hidden.
 */
export class ResourceRegistry {
  private readonly types = new Map<string, ResourceType>();

  // Read when a registry is made, once the module has defined the list.
  // eslint-disable-next-line @typescript-eslint/no-use-before-define
  constructor(initial: ResourceTypeInput[] = DEFAULT_RESOURCE_TYPES) {
    for (const input of initial) this.register(input);
  }

  register(input: ResourceTypeInput): ResourceType {
    // eslint-disable-next-line @typescript-eslint/no-use-before-define -- read after the module loaded
    const custom = input.custom ?? !BUILT_IN_GROUPS.has(input.group);
    const type: ResourceType = {
      group: input.group,
      versions: [...input.versions],
      kind: input.kind,
      plural: input.plural,
      singular: input.singular ?? input.kind.toLowerCase(),
      namespaced: input.namespaced ?? true,
      shortNames: input.shortNames ?? [],
      custom,
      statusSubresource: input.statusSubresource ?? custom,
      tracksGeneration: input.tracksGeneration ?? true,
    };
    const key = storageKeyOf(type);
    const existing = this.types.get(key);
    if (existing) {
      // A second registration adds versions to the same storage.
      for (const version of type.versions) {
        if (!existing.versions.includes(version))
          existing.versions.push(version);
      }
      return existing;
    }
    this.types.set(key, type);
    return type;
  }

  byPlural(
    group: string,
    version: string,
    plural: string,
  ): ResourceType | undefined {
    const type = this.types.get(`${group}/${plural}`);
    return type && type.versions.includes(version) ? type : undefined;
  }

  byKind(
    group: string,
    version: string,
    kind: string,
  ): ResourceType | undefined {
    return this.all().find(
      type =>
        type.group === group &&
        type.kind === kind &&
        type.versions.includes(version),
    );
  }

  /** By `apiVersion` and `kind` as written in a manifest. */
  byApiVersionKind(apiVersion: string, kind: string): ResourceType | undefined {
    const { group, version } = parseApiVersion(apiVersion);
    return this.byKind(group, version, kind);
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter(
      type => type.group === group && type.versions.includes(version),
    );
  }

  /** Named groups (not core) with their versions, preferred version first. */
  groups(): Array<{ name: string; versions: string[] }> {
    const byGroup = new Map<string, string[]>();
    for (const type of this.all()) {
      if (!type.group) continue;
      const versions = byGroup.get(type.group) ?? [];
      for (const version of type.versions) {
        if (!versions.includes(version)) versions.push(version);
      }
      byGroup.set(type.group, versions);
    }
    return [...byGroup.entries()]
      .map(([name, versions]) => ({ name, versions }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }
}

/** Groups whose kinds are compiled into the API server rather than CRDs. */
const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'policy',
  'autoscaling',
]);

/**
 * The rest of what Backstage's kubernetes-backend lists by default for an
 * entity's Kubernetes tab (services, configmaps and deployments are above).
 * Nothing creates these in the simulation; they are served so that the tab
 * finds empty lists rather than 404s.
 */
const WORKLOAD_RESOURCE_TYPES: ResourceTypeInput[] = [
  {
    group: '',
    versions: ['v1'],
    kind: 'Pod',
    plural: 'pods',
    shortNames: ['po'],
    statusSubresource: true,
    tracksGeneration: false,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'LimitRange',
    plural: 'limitranges',
    shortNames: ['limits'],
    tracksGeneration: false,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'ResourceQuota',
    plural: 'resourcequotas',
    shortNames: ['quota'],
    statusSubresource: true,
    tracksGeneration: false,
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'ReplicaSet',
    plural: 'replicasets',
    shortNames: ['rs'],
    statusSubresource: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'StatefulSet',
    plural: 'statefulsets',
    shortNames: ['sts'],
    statusSubresource: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'DaemonSet',
    plural: 'daemonsets',
    shortNames: ['ds'],
    statusSubresource: true,
  },
  {
    group: 'autoscaling',
    versions: ['v2'],
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    shortNames: ['hpa'],
    statusSubresource: true,
  },
  {
    group: 'batch',
    versions: ['v1'],
    kind: 'Job',
    plural: 'jobs',
    statusSubresource: true,
  },
  {
    group: 'batch',
    versions: ['v1'],
    kind: 'CronJob',
    plural: 'cronjobs',
    shortNames: ['cj'],
    statusSubresource: true,
  },
  {
    group: 'networking.k8s.io',
    versions: ['v1'],
    kind: 'Ingress',
    plural: 'ingresses',
    shortNames: ['ing'],
    statusSubresource: true,
  },
];

const fluxKind = (
  group: string,
  versions: string[],
  kind: string,
  plural: string,
  shortNames: string[] = [],
): ResourceTypeInput => ({ group, versions, kind, plural, shortNames });

/**
 * Flux v2's controllers' kinds besides HelmRelease, at the versions Flux
 * serves them (preferred first). Custom kinds, so each has a `status`
 * subresource that only controllers (or tests) write.
 */
const FLUX_RESOURCE_TYPES: ResourceTypeInput[] = [
  fluxKind(
    'image.toolkit.fluxcd.io',
    ['v1', 'v1beta2', 'v1beta1'],
    'ImageRepository',
    'imagerepositories',
  ),
  fluxKind(
    'image.toolkit.fluxcd.io',
    ['v1', 'v1beta2', 'v1beta1'],
    'ImagePolicy',
    'imagepolicies',
  ),
  fluxKind(
    'image.toolkit.fluxcd.io',
    ['v1', 'v1beta2', 'v1beta1'],
    'ImageUpdateAutomation',
    'imageupdateautomations',
  ),
  fluxKind(
    'kustomize.toolkit.fluxcd.io',
    ['v1', 'v1beta2'],
    'Kustomization',
    'kustomizations',
    ['ks'],
  ),
  fluxKind(
    'source.toolkit.fluxcd.io',
    ['v1', 'v1beta2'],
    'GitRepository',
    'gitrepositories',
    ['gitrepo'],
  ),
  fluxKind(
    'source.toolkit.fluxcd.io',
    ['v1', 'v1beta2'],
    'HelmRepository',
    'helmrepositories',
    ['helmrepo'],
  ),
  fluxKind(
    'source.toolkit.fluxcd.io',
    ['v1', 'v1beta2'],
    'OCIRepository',
    'ocirepositories',
    ['ocirepo'],
  ),
  fluxKind(
    'source.toolkit.fluxcd.io',
    ['v1', 'v1beta2'],
    'HelmChart',
    'helmcharts',
    ['hc'],
  ),
];

/**
 * The default kinds with each named group served only at the versions given
 * (in that order); an empty list leaves the group out entirely, as a cluster
 * without those CRDs. Groups not named are served as by default.
 */
export function restrictGroupVersions(
  types: ResourceTypeInput[],
  served: Record<string, string[]>,
): ResourceTypeInput[] {
  return types.flatMap(type => {
    const only = served[type.group];
    if (!only) return [type];
    const versions = only.filter(version => type.versions.includes(version));
    return versions.length > 0 ? [{ ...type, versions }] : [];
  });
}

export const DEFAULT_RESOURCE_TYPES: ResourceTypeInput[] = [
  {
    group: '',
    versions: ['v1'],
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
    statusSubresource: true,
    tracksGeneration: false,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Secret',
    plural: 'secrets',
    tracksGeneration: false,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'ConfigMap',
    plural: 'configmaps',
    shortNames: ['cm'],
    tracksGeneration: false,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    shortNames: ['sa'],
    tracksGeneration: false,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Service',
    plural: 'services',
    shortNames: ['svc'],
    statusSubresource: true,
    tracksGeneration: false,
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'Deployment',
    plural: 'deployments',
    shortNames: ['deploy'],
    statusSubresource: true,
  },
  ...WORKLOAD_RESOURCE_TYPES,
  {
    group: 'helm.fluxcd.io',
    versions: ['v1'],
    kind: 'HelmRelease',
    plural: 'helmreleases',
    shortNames: ['hr', 'hrs'],
  },
  {
    group: 'helm.toolkit.fluxcd.io',
    versions: ['v2', 'v2beta2', 'v2beta1'],
    kind: 'HelmRelease',
    plural: 'helmreleases',
    shortNames: ['hr'],
  },
  ...FLUX_RESOURCE_TYPES,
  {
    group: 'bitnami.com',
    versions: ['v1alpha1'],
    kind: 'SealedSecret',
    plural: 'sealedsecrets',
  },
  // A cluster-scoped kind besides Namespace, as every API server serves it.
  {
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    kind: 'ClusterRole',
    plural: 'clusterroles',
    namespaced: false,
    tracksGeneration: false,
  },
];

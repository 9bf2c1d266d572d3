import { JsonObject } from './jsonValue';
import { formatApiVersion, ResourceRegistry } from './resourceTypes';

const VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const STATUS_VERBS = ['get', 'patch', 'update'];

/**
 * The discovery documents clients read before touching a kind they only
 * know by `apiVersion` and `kind` (client-node's KubernetesObjectApi among
 * them): they map a kind to its plural and tell whether it is namespaced.
 */
export function coreVersions(serverAddress: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function groupList(registry: ResourceRegistry): JsonObject {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .map(group => apiGroup(group.name, group.versions)),
  };
}

export function groupDocument(
  registry: ResourceRegistry,
  name: string,
): JsonObject | undefined {
  const group = registry.groups().find(candidate => candidate.name === name);
  return group
    ? {
        kind: 'APIGroup',
        apiVersion: 'v1',
        ...apiGroup(group.name, group.versions),
      }
    : undefined;
}

function apiGroup(name: string, versions: string[]): JsonObject {
  const entries = versions.map(version => ({
    groupVersion: `${name}/${version}`,
    version,
  }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

/** `APIResourceList` for one group version, or undefined when nothing is served there. */
export function resourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): JsonObject | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const resources: JsonObject[] = [];
  for (const type of types) {
    resources.push({
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: VERBS,
      ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
    });
    if (type.statusSubresource) {
      resources.push({
        name: `${type.plural}/status`,
        singularName: '',
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: STATUS_VERBS,
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: formatApiVersion(group, version),
    resources,
  };
}

/** `/version`: says plainly that this is the simulated server. */
export function versionInfo(): JsonObject {
  return {
    major: '1',
    minor: '30',
    gitVersion: 'v1.30.0-simulated',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-01-01T00:00:00Z',
    goVersion: 'go1.22.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

import { ResourceRegistry, ResourceType } from './resourceTypes';

export type ResourceTarget = {
  kind: 'resource';
  type: ResourceType;
  /** The version in the URL, which responses are served in. */
  version: string;
  namespace?: string;
  name?: string;
  subresource?: 'status';
  /** `METHOD`-less route for request counters, e.g. `/api/v1/namespaces/{namespace}/secrets/{name}`. */
  template: string;
};

export type RequestTarget =
  | { kind: 'health' | 'version' | 'coreVersions' | 'groups'; template: string }
  | { kind: 'group'; group: string; template: string }
  | { kind: 'resourceList'; group: string; version: string; template: string }
  | ResourceTarget
  | { kind: 'unknown'; template: string };

/**
 * Maps a URL path onto what the API server serves there. Paths that name
 * no served kind come back `unknown` and answer 404, as on a cluster
 * without that CRD.
 */
export function parseRequestPath(
  pathname: string,
  registry: ResourceRegistry,
): RequestTarget {
  let segments: string[];
  try {
    segments = pathname
      .split('/')
      .filter(segment => segment.length > 0)
      .map(decodeURIComponent);
  } catch {
    return { kind: 'unknown', template: pathname };
  }
  const [root, ...rest] = segments;
  if (segments.length === 1 && ['healthz', 'livez', 'readyz'].includes(root))
    return { kind: 'health', template: pathname };
  if (segments.length === 1 && root === 'version')
    return { kind: 'version', template: '/version' };
  if (root === 'api') {
    if (rest.length === 0) return { kind: 'coreVersions', template: '/api' };
    if (rest[0] !== 'v1') return { kind: 'unknown', template: pathname };
    if (rest.length === 1)
      return {
        kind: 'resourceList',
        group: '',
        version: 'v1',
        template: '/api/v1',
      };
    return (
      resourceTarget('', 'v1', '/api/v1', rest.slice(1), registry) ?? {
        kind: 'unknown',
        template: pathname,
      }
    );
  }
  if (root === 'apis') {
    if (rest.length === 0) return { kind: 'groups', template: '/apis' };
    const [group, version] = rest;
    if (rest.length === 1)
      return { kind: 'group', group, template: `/apis/${group}` };
    if (rest.length === 2)
      return {
        kind: 'resourceList',
        group,
        version,
        template: `/apis/${group}/${version}`,
      };
    const prefix = `/apis/${group}/${version}`;
    return (
      resourceTarget(group, version, prefix, rest.slice(2), registry) ?? {
        kind: 'unknown',
        template: pathname,
      }
    );
  }
  return { kind: 'unknown', template: pathname };
}

function resourceTarget(
  group: string,
  version: string,
  prefix: string,
  rest: string[],
  registry: ResourceRegistry,
): ResourceTarget | undefined {
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const type = registry.byPlural(group, version, rest[2]);
    if (type?.namespaced) {
      const [, namespace, , name, subresource] = rest;
      if (rest.length > 5) return undefined;
      return build(
        type,
        version,
        `${prefix}/namespaces/{namespace}/${type.plural}`,
        namespace,
        name,
        subresource,
      );
    }
  }
  const [plural, name, subresource] = rest;
  if (rest.length > 3) return undefined;
  const type = registry.byPlural(group, version, plural);
  // A namespaced kind is listed across namespaces here but never addressed by name.
  if (!type || (type.namespaced && name !== undefined)) return undefined;
  return build(
    type,
    version,
    `${prefix}/${type.plural}`,
    undefined,
    name,
    subresource,
  );
}

function build(
  type: ResourceType,
  version: string,
  collection: string,
  namespace: string | undefined,
  name: string | undefined,
  subresource: string | undefined,
): ResourceTarget | undefined {
  if (
    subresource !== undefined &&
    !(subresource === 'status' && type.statusSubresource)
  )
    return undefined;
  let template = collection;
  if (name !== undefined) template += '/{name}';
  if (subresource) template += `/${subresource}`;
  return {
    kind: 'resource',
    type,
    version,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource === 'status' ? { subresource: 'status' as const } : {}),
    template,
  };
}

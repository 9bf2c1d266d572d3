import { KubeObject } from './kubeObject';
import { formatApiVersion, ResourceType } from './resourceTypes';

/**
 * An object as a client reads it: in the version the URL asked for. In
 * lists, built-in kinds lose `apiVersion`/`kind` on each item, as the real
 * server sends them; custom resources keep theirs.
 */
export function serve(
  type: ResourceType,
  version: string,
  object: KubeObject,
  inList = false,
): KubeObject {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = object;
  if (inList && !type.custom) return rest;
  return {
    apiVersion: formatApiVersion(type.group, version),
    kind: type.kind,
    ...rest,
  };
}

export function listKind(type: ResourceType): string {
  return `${type.kind}List`;
}

import { childObject, isJsonObject, JsonObject } from './jsonValue';

/**
 * A Kubernetes object as stored and served: plain JSON, so that what tests
 * put in is byte-for-byte what clients get back. Accessors below read the
 * few metadata fields the server itself cares about.
 */
export type KubeObject = JsonObject;

export function metadataOf(object: KubeObject): JsonObject {
  return childObject(object, 'metadata');
}

export function readMetadata(object: KubeObject): JsonObject {
  const metadata = object.metadata;
  return isJsonObject(metadata) ? metadata : {};
}

export function stringField(
  object: JsonObject,
  key: string,
): string | undefined {
  const value = object[key];
  return typeof value === 'string' ? value : undefined;
}

export function nameOf(object: KubeObject): string | undefined {
  return stringField(readMetadata(object), 'name');
}

export function namespaceOf(object: KubeObject): string | undefined {
  return stringField(readMetadata(object), 'namespace');
}

/** Labels or annotations as a string map; non-string values are ignored. */
export function stringMapOf(
  object: KubeObject,
  key: 'labels' | 'annotations',
): Record<string, string> {
  const map = readMetadata(object)[key];
  const result: Record<string, string> = {};
  if (!isJsonObject(map)) return result;
  for (const [name, value] of Object.entries(map)) {
    if (typeof value === 'string') result[name] = value;
  }
  return result;
}

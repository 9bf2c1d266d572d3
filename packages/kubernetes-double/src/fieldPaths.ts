import { isJsonObject, JsonObject, JsonValue } from './jsonValue';
import { ResourceType } from './resourceTypes';

/** A field inside an object, as the keys leading to it. */
export type FieldPath = readonly string[];

/** Which part of an object a write addresses: the object itself or its `/status` subresource. */
export type WriteScope = 'object' | 'status';

/** Metadata the server manages; never owned by a field manager. */
const UNTRACKED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** Whether a top-level field is written by (and owned through) a write in this scope. */
export function inScope(
  type: ResourceType,
  scope: WriteScope,
  key: string,
): boolean {
  if (key === 'apiVersion' || key === 'kind') return false;
  if (scope === 'status') return key === 'status';
  return !(type.statusSubresource && key === 'status');
}

/**
 * The leaves of an object that field managers can own: scalars, lists
 * (owned whole, as for a CRD's atomic lists) and empty maps. Maps in
 * between are not owned themselves; their leaves are.
 */
export function leafPaths(
  object: JsonObject,
  type: ResourceType,
  scope: WriteScope,
): FieldPath[] {
  const paths: FieldPath[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (!inScope(type, scope, key)) continue;
    if (key === 'metadata' && isJsonObject(value)) {
      for (const [field, fieldValue] of Object.entries(value)) {
        if (!UNTRACKED_METADATA.has(field))
          collect(fieldValue, ['metadata', field], paths);
      }
      continue;
    }
    collect(value, [key], paths);
  }
  return paths;
}

function collect(value: JsonValue, path: string[], into: FieldPath[]): void {
  if (isJsonObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value))
      collect(child, [...path, key], into);
    return;
  }
  into.push(path);
}

/** One path is the other or lies inside it: changing one changes the other. */
export function overlaps(a: FieldPath, b: FieldPath): boolean {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    if (a[index] !== b[index]) return false;
  }
  return true;
}

export function samePath(a: FieldPath, b: FieldPath): boolean {
  return a.length === b.length && overlaps(a, b);
}

/** `.spec.values.image`, as conflict messages print a field. */
export function formatPath(path: FieldPath): string {
  return path.map(key => `.${key}`).join('');
}

/** The `fieldsV1` form stored in `metadata.managedFields`. */
export function toFieldsV1(paths: readonly FieldPath[]): JsonObject {
  const root: JsonObject = {};
  for (const path of paths) {
    let node = root;
    for (const key of path) {
      const name = `f:${key}`;
      const next = node[name];
      if (isJsonObject(next)) {
        node = next;
      } else {
        const created: JsonObject = {};
        node[name] = created;
        node = created;
      }
    }
  }
  return root;
}

/**
 * Reads `fieldsV1` back into paths. Entries written by real clusters may
 * address list items (`k:`/`v:` keys); the double owns lists whole, so such
 * an entry counts as owning the list.
 */
export function fromFieldsV1(fields: JsonValue | undefined): FieldPath[] {
  const paths: FieldPath[] = [];
  const walk = (node: JsonObject, path: string[]) => {
    const children = Object.entries(node).filter(([key]) => key !== '.');
    if (children.length === 0) {
      if (path.length > 0) paths.push(path);
      return;
    }
    if (children.some(([key]) => !key.startsWith('f:'))) {
      paths.push(path);
      return;
    }
    for (const [key, child] of children) {
      walk(isJsonObject(child) ? child : {}, [...path, key.slice(2)]);
    }
  };
  if (isJsonObject(fields)) walk(fields, []);
  return paths;
}

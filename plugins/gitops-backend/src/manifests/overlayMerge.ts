import { Document, isMap, isScalar, Node, YAMLMap } from 'yaml';

/** Values nest a few levels; a pathological patch must not exhaust the stack. */
const MAX_DEPTH = 64;

const keyOf = (key: unknown): unknown => (isScalar(key) ? key.value : key);

const isNull = (node: unknown): boolean =>
  node === null ||
  node === undefined ||
  (isScalar(node) && node.value === null);

/**
 * Merges a patch mapping into a target mapping in place, as kustomize
 * merges a strategic-merge patch into an object it has no schema for (a
 * CRD such as Flux's HelmRelease): mappings merge key by key, anything else
 * (sequences and scalars) replaces what was there, and null removes the key.
 * Patch nodes are cloned with their comments, so that setter markers written
 * in a patch stay on the values they mark.
 */
export function mergeYamlMaps(
  target: YAMLMap,
  patch: YAMLMap,
  depth = 0,
): void {
  if (depth > MAX_DEPTH) {
    throw new Error(`patch nests deeper than ${MAX_DEPTH} levels`);
  }
  for (const pair of patch.items) {
    const key = keyOf(pair.key);
    const index = target.items.findIndex(p => keyOf(p.key) === key);
    if (isNull(pair.value)) {
      if (index >= 0) target.items.splice(index, 1);
      continue;
    }
    const current = index >= 0 ? target.items[index].value : undefined;
    if (isMap(current) && isMap(pair.value)) {
      mergeYamlMaps(current, pair.value, depth + 1);
      continue;
    }
    const value = (pair.value as Node).clone() as Node;
    if (index >= 0) target.items[index].value = value;
    else target.items.push(clonePair(pair, value));
  }
}

function clonePair(pair: YAMLMap['items'][number], value: Node) {
  const copy = pair.clone();
  copy.value = value;
  return copy;
}

/** A copy of `base` with each patch document's contents merged in, in order. */
export function mergeDocuments(
  base: Document.Parsed,
  patches: Document.Parsed[],
): Document {
  const merged = base.clone();
  for (const patch of patches) {
    if (!isMap(merged.contents) || !isMap(patch.contents)) {
      throw new Error(
        'a patch and the object it patches must both be mappings',
      );
    }
    mergeYamlMaps(merged.contents, patch.contents);
  }
  return merged;
}

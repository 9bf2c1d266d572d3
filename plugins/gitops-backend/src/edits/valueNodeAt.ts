import { Document, isMap, isScalar, isSeq } from 'yaml';

/**
 * The node at a dot path under `spec.values`, following the written tree
 * (not aliases or merge keys, which the manifests parser does not follow
 * for images either). Numeric segments index sequences; in mappings a
 * segment names a key written as that string or number.
 */
export function valueNodeAt(
  document: Document.Parsed,
  dotPath: string,
): unknown {
  let node: unknown = document.getIn(['spec', 'values'], true);
  for (const segment of dotPath.split('.')) {
    if (isMap(node)) {
      const pair = node.items.find(
        item =>
          isScalar(item.key) &&
          (typeof item.key.value === 'string' ||
            typeof item.key.value === 'number') &&
          String(item.key.value) === segment,
      );
      node = pair?.value;
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      node = node.items[Number(segment)];
    } else {
      return undefined;
    }
  }
  return node;
}

import { Scalar, YAMLMap, isMap, isScalar } from 'yaml';

/**
 * Reading HelmRelease values from the YAML tree rather than from decoded
 * objects: images must be found where they are written (not through aliases,
 * which a rewrite could not change in one place), tags must keep their
 * written form, and setter markers live in comments.
 */

/** The node under a string key of a mapping, if the key is written there. */
export function entryNode(map: YAMLMap, key: string): unknown {
  for (const pair of map.items) {
    const pairKey = isScalar(pair.key) ? pair.key.value : pair.key;
    if (pairKey === key) return pair.value;
  }
  return undefined;
}

export function stringValue(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string'
    ? node.value
    : undefined;
}

/**
 * A tag as the person wrote it. `tag: 123` decodes to a number and
 * `tag: 1.10` to 1.1; the written text is what they meant.
 */
export function tagValue(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  if (typeof node.value === 'number' || typeof node.value === 'bigint') {
    return (node as Scalar & { source?: string }).source ?? String(node.value);
  }
  return undefined;
}

/** Follows a dot path through mappings only; undefined when it leads elsewhere. */
export function nodeAtDotPath(root: YAMLMap, path: string): unknown {
  let node: unknown = root;
  for (const segment of path.split('.')) {
    if (!isMap(node) || !segment) return undefined;
    node = entryNode(node, segment);
  }
  return node;
}

/**
 * The comment written after a scalar on its own line (`tag: 1.2.3 # ...`),
 * read from the source so that a comment on the next line never counts.
 * Block scalars (`|`, `>`) span lines and have none.
 */
export function lineCommentAfter(
  node: unknown,
  text: string,
): string | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    return undefined;
  }
  const end = node.range[1];
  const newline = text.indexOf('\n', end);
  const rest = text.slice(end, newline < 0 ? undefined : newline);
  const match = /^[ \t]+#(.*?)\r?$/.exec(rest);
  return match ? match[1] : undefined;
}

/** Dot path text for path segments, numbers indexing sequences. */
export function dotPath(segments: readonly (string | number)[]): string {
  return segments.join('.');
}

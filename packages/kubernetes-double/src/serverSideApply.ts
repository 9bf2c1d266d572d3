import { ApiError } from './apiStatus';
import {
  FieldPath,
  formatPath,
  inScope,
  leafPaths,
  overlaps,
  WriteScope,
} from './fieldPaths';
import {
  cloneJson,
  isJsonObject,
  JsonObject,
  JsonValue,
  jsonEqual,
  valueAt,
} from './jsonValue';
import { KubeObject, nameOf } from './kubeObject';
import {
  entryFor,
  ManagedEntry,
  pruneMissing,
  readManagedFields,
  sameEntry,
  Writer,
  writeManagedFields,
} from './managedFields';
import { ResourceType } from './resourceTypes';

export type ApplyRequest = {
  type: ResourceType;
  scope: WriteScope;
  /** The stored object, or undefined when the apply creates it. */
  existing: KubeObject | undefined;
  /** The applied configuration: only the fields this manager has opinions on. */
  applied: KubeObject;
  writer: Writer;
  force: boolean;
};

/** Metadata an applied configuration may carry but that is not merged into the object. */
const UNMERGED_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
];

/**
 * Server-side apply as the API server does it, with lists owned whole:
 *
 * - every field in the applied configuration becomes owned by the manager;
 * - a field owned by another manager with a different value is a conflict
 *   (409) unless `force`, which takes the field over;
 * - a field the manager applied before but left out now is removed, unless
 *   someone else also owns it.
 *
 * Returns the new object with its managedFields; the caller stores it.
 */
export function applyConfiguration(request: ApplyRequest): KubeObject {
  const { type, scope, existing, writer, force } = request;
  const applied = cleanAppliedConfiguration(request.applied, type, scope);
  const appliedPaths = leafPaths(applied, type, scope);
  const identity = entryFor(writer);
  const own: ManagedEntry = {
    ...identity,
    apiVersion: writer.apiVersion,
    time: writer.time,
    paths: appliedPaths,
  };

  if (!existing) {
    const created = cloneJson(applied);
    writeManagedFields(created, [own], []);
    return created;
  }

  const merged = mergeInto(cloneJson(existing), applied);
  const previous = readManagedFields(existing);
  const others = previous.filter(entry => !sameEntry(entry, identity));
  const conflicts: Array<{ entry: ManagedEntry; path: FieldPath }> = [];
  for (const entry of others) {
    for (const path of entry.paths) {
      const touched = appliedPaths.some(appliedPath =>
        overlaps(appliedPath, path),
      );
      if (
        touched &&
        !jsonEqual(valueAt(existing, path), valueAt(merged, path))
      ) {
        conflicts.push({ entry, path });
      }
    }
  }
  if (conflicts.length > 0 && !force) {
    throw conflictError(type, nameOf(existing) ?? '', conflicts);
  }
  const remaining = others.map(entry => ({
    ...entry,
    paths: entry.paths.filter(
      path =>
        !conflicts.some(
          conflict => conflict.entry === entry && conflict.path === path,
        ),
    ),
  }));

  // Fields this manager applied last time and no longer mentions.
  const before = previous.find(entry => sameEntry(entry, identity));
  for (const dropped of before?.paths ?? []) {
    if (appliedPaths.some(path => overlaps(path, dropped))) continue;
    if (
      remaining.some(entry => entry.paths.some(path => overlaps(path, dropped)))
    )
      continue;
    removeField(merged, dropped);
  }

  const entries = pruneMissing([...remaining, own], merged);
  writeManagedFields(merged, entries, previous);
  return merged;
}

/** Keeps the parts of the applied configuration this scope writes, without nulls or server metadata. */
function cleanAppliedConfiguration(
  applied: KubeObject,
  type: ResourceType,
  scope: WriteScope,
): KubeObject {
  const clean: KubeObject = {};
  for (const [key, value] of Object.entries(applied)) {
    if (key === 'apiVersion' || key === 'kind') {
      clean[key] = value;
    } else if (key === 'metadata' && isJsonObject(value)) {
      // The status subresource ignores metadata, as the real one does.
      if (scope === 'status') continue;
      const metadata = withoutNulls(value) as JsonObject;
      for (const field of UNMERGED_METADATA) delete metadata[field];
      clean.metadata = metadata;
    } else if (inScope(type, scope, key) && value !== null) {
      clean[key] = withoutNulls(value);
    }
  }
  return clean;
}

function withoutNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== null) result[key] = withoutNulls(child);
  }
  return result;
}

/** Maps merge key by key; anything else (scalars, lists) is replaced. */
function mergeInto(target: JsonObject, source: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (isJsonObject(current) && isJsonObject(value)) {
      mergeInto(current, value);
    } else {
      target[key] = cloneJson(value);
    }
  }
  return target;
}

/** Removes a field and any map it leaves empty, short of top-level fields. */
function removeField(object: JsonObject, path: FieldPath): void {
  const parents: JsonObject[] = [];
  let node: JsonObject = object;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isJsonObject(next)) return;
    parents.push(node);
    node = next;
  }
  delete node[path[path.length - 1]];
  for (let depth = path.length - 2; depth >= 1; depth--) {
    const parent = parents[depth];
    const child = parent[path[depth]];
    if (isJsonObject(child) && Object.keys(child).length === 0)
      delete parent[path[depth]];
    else break;
  }
}

function conflictError(
  type: ResourceType,
  name: string,
  conflicts: Array<{ entry: ManagedEntry; path: FieldPath }>,
): ApiError {
  const byManager = new Map<string, FieldPath[]>();
  for (const { entry, path } of conflicts) {
    const label = `"${entry.manager}" using ${entry.apiVersion}`;
    byManager.set(label, [...(byManager.get(label) ?? []), path]);
  }
  const count = conflicts.length;
  const parts = [...byManager.entries()].map(([label, paths]) =>
    paths.length === 1 && count === 1
      ? `conflict with ${label}: ${formatPath(paths[0])}`
      : `conflicts with ${label}:\n${paths
          .map(path => `- ${formatPath(path)}`)
          .join('\n')}`,
  );
  const message = `Apply failed with ${count} conflict${
    count === 1 ? '' : 's'
  }: ${parts.join('\n')}`;
  return new ApiError(
    409,
    message,
    {
      name,
      group: type.group || undefined,
      kind: type.plural,
      causes: conflicts.map(({ entry, path }) => ({
        type: 'FieldManagerConflict',
        message: `conflict with "${entry.manager}" using ${entry.apiVersion}`,
        field: formatPath(path),
      })),
    },
    'Conflict',
  );
}

import {
  FieldPath,
  fromFieldsV1,
  leafPaths,
  overlaps,
  toFieldsV1,
  WriteScope,
} from './fieldPaths';
import { isJsonObject, JsonObject, jsonEqual, valueAt } from './jsonValue';
import { KubeObject, metadataOf, readMetadata } from './kubeObject';
import { ResourceType } from './resourceTypes';

/** One `metadata.managedFields` entry, with its field set as paths. */
export type ManagedEntry = {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  paths: FieldPath[];
};

/** Who writes, how, and when; identifies the entry a write updates. */
export type Writer = {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  scope: WriteScope;
};

export function readManagedFields(object: KubeObject): ManagedEntry[] {
  const entries = readMetadata(object).managedFields;
  if (!Array.isArray(entries)) return [];
  return entries.filter(isJsonObject).map(entry => ({
    manager: typeof entry.manager === 'string' ? entry.manager : '',
    operation: entry.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: typeof entry.apiVersion === 'string' ? entry.apiVersion : '',
    time: typeof entry.time === 'string' ? entry.time : '',
    ...(typeof entry.subresource === 'string'
      ? { subresource: entry.subresource }
      : {}),
    paths: fromFieldsV1(entry.fieldsV1),
  }));
}

/**
 * Stores the entries on the object. An entry whose fields did not change
 * keeps its old time, so that a write that changes nothing stays a no-op.
 */
export function writeManagedFields(
  object: KubeObject,
  entries: ManagedEntry[],
  previous: ManagedEntry[],
): void {
  const kept = entries.filter(entry => entry.paths.length > 0);
  const metadata = metadataOf(object);
  if (kept.length === 0) {
    delete metadata.managedFields;
    return;
  }
  metadata.managedFields = kept.map(entry => {
    const before = previous.find(candidate => sameEntry(candidate, entry));
    const fieldsV1 = toFieldsV1(entry.paths);
    const time =
      before &&
      jsonEqual(toFieldsV1(before.paths), fieldsV1) &&
      before.apiVersion === entry.apiVersion
        ? before.time
        : entry.time;
    const serialized: JsonObject = {
      manager: entry.manager,
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      time,
      fieldsType: 'FieldsV1',
      fieldsV1,
    };
    if (entry.subresource) serialized.subresource = entry.subresource;
    return serialized;
  });
}

export function sameEntry(
  a: Pick<ManagedEntry, 'manager' | 'operation' | 'subresource'>,
  b: Pick<ManagedEntry, 'manager' | 'operation' | 'subresource'>,
): boolean {
  return (
    a.manager === b.manager &&
    a.operation === b.operation &&
    (a.subresource ?? '') === (b.subresource ?? '')
  );
}

export function entryFor(
  writer: Writer,
): Pick<ManagedEntry, 'manager' | 'operation' | 'subresource'> {
  return {
    manager: writer.manager,
    operation: writer.operation,
    ...(writer.scope === 'status' ? { subresource: 'status' } : {}),
  };
}

/** Drops owned paths that no longer exist in the object. */
export function pruneMissing(
  entries: ManagedEntry[],
  object: KubeObject,
): ManagedEntry[] {
  return entries.map(entry => ({
    ...entry,
    paths: entry.paths.filter(path => valueAt(object, path) !== undefined),
  }));
}

/**
 * Ownership after an ordinary write (create, update, patch): the writer
 * takes every field it changed, from whoever owned it, without conflict.
 */
export function recordUpdate(
  type: ResourceType,
  writer: Writer,
  before: KubeObject | undefined,
  after: KubeObject,
): ManagedEntry[] {
  const previous = before ? readManagedFields(before) : [];
  const afterPaths = leafPaths(after, type, writer.scope);
  const beforePaths = before ? leafPaths(before, type, writer.scope) : [];
  const changed = afterPaths.filter(
    path => !before || !jsonEqual(valueAt(before, path), valueAt(after, path)),
  );
  const removed = beforePaths.filter(
    path => valueAt(after, path) === undefined,
  );
  const touched = [...changed, ...removed];

  const identity = entryFor(writer);
  const entries = previous.map(entry => ({
    ...entry,
    paths: entry.paths.filter(
      path => !touched.some(other => overlaps(path, other)),
    ),
  }));
  let own = entries.find(entry => sameEntry(entry, identity));
  if (!own) {
    own = {
      ...identity,
      apiVersion: writer.apiVersion,
      time: writer.time,
      paths: [],
    };
    entries.push(own);
  }
  own.apiVersion = writer.apiVersion;
  own.time = writer.time;
  own.paths = [...own.paths, ...changed];
  return pruneMissing(entries, after);
}

import { cloneJson } from './jsonValue';
import {
  KubeObject,
  metadataOf,
  nameOf,
  namespaceOf,
  readMetadata,
} from './kubeObject';
import {
  readManagedFields,
  recordUpdate,
  Writer,
  writeManagedFields,
} from './managedFields';
import { ObjectStore } from './objectStore';
import { formatApiVersion, ResourceType } from './resourceTypes';

/**
 * Writes made by in-cluster controllers (the simulated Helm operator),
 * recorded in managedFields as their updates would be, so that objects look
 * the same as on a cluster. They skip HTTP and admission.
 */
export function writeAsController(
  store: ObjectStore,
  type: ResourceType,
  object: KubeObject,
  manager: string,
): KubeObject {
  const next = cloneJson(object);
  const existing = store.read(type, namespaceOf(next), nameOf(next) ?? '');
  const writer = controllerWriter(store, type, manager, 'object');
  if (existing)
    metadataOf(next).managedFields = cloneJson(
      readMetadata(existing).managedFields ?? [],
    );
  writeManagedFields(
    next,
    recordUpdate(type, writer, existing, next),
    existing ? readManagedFields(existing) : [],
  );
  return existing
    ? store.replace(type, existing, next)
    : store.insert(type, next);
}

/** Replaces an object's status as a write to its `/status` subresource would. */
export function writeStatusAsController(
  store: ObjectStore,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  status: KubeObject,
  manager: string,
): KubeObject | undefined {
  const existing = store.read(type, namespace, name);
  if (!existing) return undefined;
  const next = cloneJson(existing);
  next.status = cloneJson(status);
  const writer = controllerWriter(store, type, manager, 'status');
  writeManagedFields(
    next,
    recordUpdate(type, writer, existing, next),
    readManagedFields(existing),
  );
  return store.replace(type, existing, next);
}

function controllerWriter(
  store: ObjectStore,
  type: ResourceType,
  manager: string,
  scope: Writer['scope'],
): Writer {
  return {
    manager,
    operation: 'Update',
    apiVersion: formatApiVersion(type.group, type.versions[0]),
    time: store.timestamp(),
    scope,
  };
}

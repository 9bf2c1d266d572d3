import { notFound } from './apiStatus';
import { ObjectStore } from './objectStore';

/**
 * Objects can only be created in a namespace that exists, as the
 * NamespaceLifecycle admission plugin enforces: a product that applies a
 * release before its namespace fails here as it would on a cluster.
 */
export function requireNamespace(
  store: ObjectStore,
  namespace: string | undefined,
): void {
  const namespaces = store.registry.byPlural('', 'v1', 'namespaces');
  if (!namespace || !namespaces) return;
  if (!store.read(namespaces, undefined, namespace))
    throw notFound('namespaces', '', namespace);
}

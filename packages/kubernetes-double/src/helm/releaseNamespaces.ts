import { writeAsController } from '../controllerWrites';
import { isJsonObject } from '../jsonValue';
import { KubeObject } from '../kubeObject';
import { ObjectStore } from '../objectStore';

/*
 * The namespaces a Helm release needs: Helm fails without them, and Flux
 * v2's `spec.install.createNamespace` creates the release's own.
 */

export function namespaceExists(
  store: ObjectStore,
  namespace: string,
): boolean {
  const namespaces = store.registry.byPlural('', 'v1', 'namespaces');
  return (
    !namespaces || store.read(namespaces, undefined, namespace) !== undefined
  );
}

export function createsNamespace(helmRelease: KubeObject): boolean {
  const spec = isJsonObject(helmRelease.spec) ? helmRelease.spec : {};
  return isJsonObject(spec.install) && spec.install.createNamespace === true;
}

export function createNamespace(store: ObjectStore, namespace: string): void {
  const namespaces = store.registry.byPlural('', 'v1', 'namespaces');
  if (namespaces) {
    writeAsController(
      store,
      namespaces,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
      'helm-controller',
    );
  }
}

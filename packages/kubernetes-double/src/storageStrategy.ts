import { badRequest } from './apiStatus';
import { childObject, isJsonObject, JsonObject } from './jsonValue';
import { KubeObject, metadataOf, nameOf } from './kubeObject';
import { ResourceType } from './resourceTypes';

/**
 * What the real server does to objects before storing them, so that clients
 * read back what a cluster would give them: empty label and annotation maps
 * vanish, Secrets fold `stringData` into base64 `data`, Namespaces get
 * their phase and name label.
 */
export function prepareForStorage(
  type: ResourceType,
  object: KubeObject,
): void {
  dropEmptyMetadataMaps(object);
  if (type.group !== '') return;
  if (type.kind === 'Secret') prepareSecret(object);
  if (type.kind === 'Namespace') prepareNamespace(object);
}

/** Moves a Secret's `stringData` into base64 `data` (no other defaulting). */
export function foldStringData(type: ResourceType, object: KubeObject): void {
  if (
    type.group !== '' ||
    type.kind !== 'Secret' ||
    !isJsonObject(object.stringData)
  )
    return;
  const data: JsonObject = isJsonObject(object.data) ? object.data : {};
  for (const [key, value] of Object.entries(object.stringData)) {
    data[key] = Buffer.from(
      typeof value === 'string' ? value : JSON.stringify(value),
      'utf8',
    ).toString('base64');
  }
  object.data = data;
  delete object.stringData;
}

function prepareSecret(secret: KubeObject): void {
  const data = secret.data;
  if (data !== undefined && data !== null && !isJsonObject(data)) {
    throw badRequest(
      'Secret in version "v1" cannot be handled as a Secret: data must be a map of strings',
    );
  }
  const merged: JsonObject = isJsonObject(data) ? data : {};
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value !== 'string' || !isBase64(value)) {
      throw badRequest(
        `Secret in version "v1" cannot be handled as a Secret: illegal base64 data for key "${key}"`,
      );
    }
  }
  const stringData = secret.stringData;
  if (isJsonObject(stringData)) {
    // stringData is write-only and wins over data for the same key.
    for (const [key, value] of Object.entries(stringData)) {
      merged[key] = Buffer.from(
        typeof value === 'string' ? value : JSON.stringify(value),
        'utf8',
      ).toString('base64');
    }
  }
  delete secret.stringData;
  if (Object.keys(merged).length > 0) secret.data = merged;
  else delete secret.data;
  if (typeof secret.type !== 'string' || secret.type === '')
    secret.type = 'Opaque';
}

/** ObjectMeta's maps are `omitempty`: an emptied label or annotation map is not stored. */
function dropEmptyMetadataMaps(object: KubeObject): void {
  const metadata = object.metadata;
  if (!isJsonObject(metadata)) return;
  for (const key of ['labels', 'annotations']) {
    const map = metadata[key];
    if (isJsonObject(map) && Object.keys(map).length === 0)
      delete metadata[key];
  }
}

function isBase64(value: string): boolean {
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(
    value,
  );
}

function prepareNamespace(namespace: KubeObject): void {
  const labels = childObject(metadataOf(namespace), 'labels');
  labels['kubernetes.io/metadata.name'] = nameOf(namespace) ?? '';
  const spec = childObject(namespace, 'spec');
  if (!Array.isArray(spec.finalizers)) spec.finalizers = ['kubernetes'];
  const status = childObject(namespace, 'status');
  if (typeof status.phase !== 'string') status.phase = 'Active';
}

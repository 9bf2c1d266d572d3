import { invalid, notFound, staleResourceVersion } from './apiStatus';
import { cloneJson, isJsonObject } from './jsonValue';
import { metadataOf, stringField } from './kubeObject';
import { requireNamespace } from './namespaceAdmission';
import {
  checkKind,
  checkNameFormat,
  checkNameMatchesUrl,
  checkNamespace,
  checkResourceVersion,
  requireObjectBody,
} from './objectIdentity';
import { ObjectStore } from './objectStore';
import { WriteRequest, WriteResult } from './resourceWrites';
import { serve } from './servedObject';
import { applyConfiguration } from './serverSideApply';
import { foldStringData } from './storageStrategy';

/**
 * PATCH with `application/apply-patch+yaml`: server-side apply. Needs a
 * `fieldManager`, creates the object when missing (201), and answers 409
 * with the conflicting fields unless `force=true`.
 */
export function applyObject(
  store: ObjectStore,
  request: WriteRequest,
): WriteResult {
  const { target, options } = request;
  const { type, version, namespace, name = '', subresource } = target;
  if (!options.fieldManager) {
    throw invalid('PatchOptions.meta.k8s.io', '', [
      {
        field: 'fieldManager',
        message: 'Required value: is required for apply patch',
      },
    ]);
  }
  const body = requireObjectBody(request.body);
  checkKind(body, target, { required: true, strictVersion: true });
  checkNamespace(body, target);
  checkNameMatchesUrl(body, target);
  checkNameFormat(target, name);

  const existing = store.read(type, namespace, name);
  if (existing) {
    checkResourceVersion(body, existing, () =>
      staleResourceVersion(type.plural, type.group, name),
    );
  } else if (subresource === 'status') {
    throw notFound(type.plural, type.group, name);
  } else if (type.namespaced) {
    requireNamespace(store, namespace);
  }

  const applied = cloneJson(body);
  const metadata = metadataOf(applied);
  metadata.name = name;
  if (type.namespaced) metadata.namespace = namespace ?? 'default';
  else delete metadata.namespace;
  // Ownership of Secret values is recorded on `data`, where they are stored.
  foldStringData(type, applied);
  const result = applyConfiguration({
    type,
    scope: subresource === 'status' ? 'status' : 'object',
    existing,
    applied,
    writer: {
      manager: options.fieldManager,
      operation: 'Apply',
      apiVersion: stringField(body, 'apiVersion') ?? version,
      time: store.timestamp(),
      scope: subresource === 'status' ? 'status' : 'object',
    },
    force: options.force === true,
  });
  if (!isJsonObject(result.metadata)) result.metadata = metadata;
  const stored = existing
    ? store.replace(type, existing, result, { dryRun: options.dryRun })
    : store.insert(type, result, { dryRun: options.dryRun });
  return { status: existing ? 200 : 201, body: serve(type, version, stored) };
}

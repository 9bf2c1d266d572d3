import {
  ApiError,
  badRequest,
  invalid,
  notFound,
  staleResourceVersion,
  successStatus,
  alreadyExists,
} from './apiStatus';
import { applyJsonPatch } from './jsonPatch';
import { cloneJson, isJsonObject, JsonObject, JsonValue } from './jsonValue';
import {
  KubeObject,
  metadataOf,
  readMetadata,
  stringField,
} from './kubeObject';
import {
  readManagedFields,
  recordUpdate,
  Writer,
  writeManagedFields,
} from './managedFields';
import { applyMergePatch } from './mergePatch';
import { requireNamespace } from './namespaceAdmission';
import {
  checkKind,
  checkNameFormat,
  checkNameMatchesUrl,
  checkNamespace,
  checkResourceVersion,
  nameToCreate,
  requireObjectBody,
} from './objectIdentity';
import { ObjectStore } from './objectStore';
import { ResourceTarget } from './requestPath';
import { selectObjects } from './resourceReads';
import { formatApiVersion } from './resourceTypes';
import { listKind, serve } from './servedObject';
import { prepareForStorage } from './storageStrategy';
import { WriteQuery } from './writeOptions';

export type WriteRequest = {
  target: ResourceTarget;
  query: URLSearchParams;
  options: WriteQuery;
  body: JsonValue | undefined;
  /** Manager for ordinary writes when `fieldManager` is absent. */
  defaultManager: string;
};

export type WriteResult = { status: number; body: JsonObject };

function writerFor(store: ObjectStore, request: WriteRequest): Writer {
  const { type, version, subresource } = request.target;
  return {
    manager: request.options.fieldManager ?? request.defaultManager,
    operation: 'Update',
    apiVersion: formatApiVersion(type.group, version),
    time: store.timestamp(),
    scope: subresource === 'status' ? 'status' : 'object',
  };
}

/** POST to a collection. */
export function createObject(
  store: ObjectStore,
  request: WriteRequest,
): WriteResult {
  const { target } = request;
  const { type, version, namespace } = target;
  const body = requireObjectBody(request.body);
  checkKind(body, target, { required: false, strictVersion: true });
  checkNamespace(body, target);
  const object = cloneJson(body);
  const metadata = metadataOf(object);
  const name = nameToCreate(body, target);
  checkNameFormat(target, name);
  metadata.name = name;
  delete metadata.generateName;
  delete metadata.managedFields;
  if (type.namespaced) metadata.namespace = namespace ?? 'default';
  else delete metadata.namespace;
  if (type.statusSubresource) delete object.status;
  if (type.namespaced) requireNamespace(store, namespace);
  if (store.read(type, namespace, name))
    throw alreadyExists(type.plural, type.group, name);
  prepareForStorage(type, object);
  writeManagedFields(
    object,
    recordUpdate(type, writerFor(store, request), undefined, object),
    [],
  );
  const stored = store.insert(type, object, { dryRun: request.options.dryRun });
  return { status: 201, body: serve(type, version, stored) };
}

/** PUT to an object or its status. */
export function replaceObject(
  store: ObjectStore,
  request: WriteRequest,
): WriteResult {
  const { target } = request;
  const { type, namespace, name = '' } = target;
  const existing = store.read(type, namespace, name);
  if (!existing) throw notFound(type.plural, type.group, name);
  const body = requireObjectBody(request.body);
  checkKind(body, target, { required: false, strictVersion: true });
  checkNamespace(body, target);
  checkNameMatchesUrl(body, target);
  checkResourceVersion(body, existing, () =>
    staleResourceVersion(type.plural, type.group, name),
  );
  if (
    type.custom &&
    stringField(readMetadata(body), 'resourceVersion') === undefined
  ) {
    // Custom resources refuse unconditional updates.
    throw invalid(type.kind, name, [
      {
        field: 'metadata.resourceVersion',
        message: 'Invalid value: 0x0: must be specified for an update',
      },
    ]);
  }
  return finishUpdate(store, request, existing, body);
}

/** PATCH with a JSON patch, a merge patch, or (built-in kinds only) a strategic merge patch. */
export function patchObject(
  store: ObjectStore,
  request: WriteRequest,
  mediaType: string,
): WriteResult {
  const { target } = request;
  const { type, version, namespace, name = '' } = target;
  if (request.options.force !== undefined) {
    throw invalid('PatchOptions', '', [
      {
        field: 'force',
        message: 'Forbidden: may not be specified for non-apply patch',
      },
    ]);
  }
  const existing = store.read(type, namespace, name);
  if (!existing) throw notFound(type.plural, type.group, name);
  const current = serve(type, version, existing);
  if (request.body === undefined) throw badRequest('the patch body is empty');
  let patched: JsonValue;
  if (mediaType === 'application/json-patch+json') {
    patched = applyJsonPatch(current, request.body);
  } else if (
    mediaType === 'application/merge-patch+json' ||
    (mediaType === 'application/strategic-merge-patch+json' && !type.custom)
  ) {
    patched = applyMergePatch(current, request.body);
  } else {
    throw unsupportedPatch(mediaType);
  }
  if (!isJsonObject(patched))
    throw badRequest('the patched document is not an object');
  checkNameMatchesUrl(patched, target);
  checkNamespace(patched, target);
  checkResourceVersion(patched, existing, () =>
    staleResourceVersion(type.plural, type.group, name),
  );
  return finishUpdate(store, request, existing, patched);
}

export function unsupportedPatch(mediaType: string): ApiError {
  return new ApiError(
    415,
    `the body of the request was in an unknown format (${
      mediaType || 'none'
    }) - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
  );
}

/** The shared end of PUT and PATCH: keep what the scope does not write, record ownership, store. */
function finishUpdate(
  store: ObjectStore,
  request: WriteRequest,
  existing: KubeObject,
  written: KubeObject,
): WriteResult {
  const { type, version, namespace, name = '', subresource } = request.target;
  let next: KubeObject;
  if (subresource === 'status') {
    next = cloneJson(existing);
    if (written.status === undefined) delete next.status;
    else next.status = cloneJson(written.status);
  } else {
    next = cloneJson(written);
    if (type.statusSubresource) {
      if (existing.status === undefined) delete next.status;
      else next.status = cloneJson(existing.status);
    }
  }
  const metadata = metadataOf(next);
  metadata.name = name;
  if (type.namespaced) metadata.namespace = namespace ?? 'default';
  metadata.managedFields = cloneJson(
    readMetadata(existing).managedFields ?? [],
  );
  prepareForStorage(type, next);
  const entries = recordUpdate(type, writerFor(store, request), existing, next);
  writeManagedFields(next, entries, readManagedFields(existing));
  const stored = store.replace(type, existing, next, {
    dryRun: request.options.dryRun,
  });
  return { status: 200, body: serve(type, version, stored) };
}

/** DELETE of one object, honouring `preconditions` in the DeleteOptions body. */
export function deleteObject(
  store: ObjectStore,
  request: WriteRequest,
): WriteResult {
  const { type, version, namespace, name = '' } = request.target;
  const existing = store.read(type, namespace, name);
  if (!existing) throw notFound(type.plural, type.group, name);
  const metadata = readMetadata(existing);
  const preconditions = isJsonObject(request.body)
    ? request.body.preconditions
    : undefined;
  if (isJsonObject(preconditions)) {
    for (const field of ['uid', 'resourceVersion'] as const) {
      const wanted = preconditions[field];
      if (typeof wanted === 'string' && wanted !== metadata[field]) {
        throw new ApiError(
          409,
          `Precondition failed: ${
            field === 'uid' ? 'UID' : 'ResourceVersion'
          } in precondition: ${wanted}, ${
            field === 'uid' ? 'UID' : 'ResourceVersion'
          } in object meta: ${String(metadata[field])}`,
          { name, group: type.group || undefined, kind: type.plural },
          'Conflict',
        );
      }
    }
  }
  if (!request.options.dryRun) store.remove(type, namespace, name);
  if (type.group === '' && type.kind === 'Namespace') {
    // A namespace answers with itself, terminating; the double then removes it at once.
    const terminating = serve(type, version, existing);
    metadataOf(terminating).deletionTimestamp = store.timestamp();
    terminating.status = { phase: 'Terminating' };
    return { status: 200, body: terminating };
  }
  return {
    status: 200,
    body: successStatus({
      name,
      group: type.group || undefined,
      kind: type.plural,
      uid: stringField(metadata, 'uid'),
    }),
  };
}

/** DELETE on a collection: removes what the selectors select and returns it as a list. */
export function deleteCollection(
  store: ObjectStore,
  request: WriteRequest,
): WriteResult {
  const { target } = request;
  const { type, version } = target;
  const selected = selectObjects(store, target, request.query);
  if (!request.options.dryRun) {
    for (const object of selected) {
      store.remove(
        type,
        stringField(readMetadata(object), 'namespace'),
        stringField(readMetadata(object), 'name') ?? '',
      );
    }
  }
  return {
    status: 200,
    body: {
      kind: listKind(type),
      apiVersion: formatApiVersion(type.group, version),
      metadata: { resourceVersion: String(store.currentResourceVersion()) },
      items: selected.map(object => serve(type, version, object, true)),
    },
  };
}

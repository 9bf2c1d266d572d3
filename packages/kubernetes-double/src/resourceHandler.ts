import { ApiError } from './apiStatus';
import { applyObject } from './applyRequest';
import { JsonObject, JsonValue } from './jsonValue';
import { ObjectStore } from './objectStore';
import { ResourceTarget } from './requestPath';
import { getObject, listObjects } from './resourceReads';
import {
  createObject,
  deleteCollection,
  deleteObject,
  patchObject,
  replaceObject,
  WriteRequest,
} from './resourceWrites';
import { defaultManager, parseWriteQuery } from './writeOptions';

export type ResourceRequest = {
  method: string;
  target: ResourceTarget;
  query: URLSearchParams;
  mediaType: string;
  body: JsonValue | undefined;
  userAgent: string | undefined;
};

const APPLY_MEDIA_TYPE = 'application/apply-patch+yaml';

/** Routes a request on a resource path to the verb it means, as the API server maps them. */
export function handleResourceRequest(
  store: ObjectStore,
  request: ResourceRequest,
): { status: number; body: JsonObject } {
  const { method, target, query } = request;
  const named = target.name !== undefined;
  if (method === 'GET') {
    return {
      status: 200,
      body: named
        ? getObject(store, target)
        : listObjects(store, target, query),
    };
  }
  const write: WriteRequest = {
    target,
    query,
    options: parseWriteQuery(query),
    body: request.body,
    defaultManager: defaultManager(request.userAgent),
  };
  if (
    method === 'POST' &&
    !named &&
    !target.subresource &&
    (target.namespace !== undefined || !target.type.namespaced)
  ) {
    return createObject(store, write);
  }
  if (method === 'PUT' && named) return replaceObject(store, write);
  if (method === 'PATCH' && named) {
    return request.mediaType === APPLY_MEDIA_TYPE
      ? applyObject(store, write)
      : patchObject(store, write, request.mediaType);
  }
  if (method === 'DELETE' && !target.subresource) {
    return named ? deleteObject(store, write) : deleteCollection(store, write);
  }
  throw new ApiError(405);
}

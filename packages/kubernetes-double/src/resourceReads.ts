import { badRequest, notFound } from './apiStatus';
import { decodeContinueToken, encodeContinueToken } from './continueToken';
import { parseFieldSelector } from './fieldSelector';
import { JsonObject } from './jsonValue';
import { KubeObject, stringMapOf } from './kubeObject';
import { parseLabelSelector } from './labelSelector';
import { keyOf, ObjectStore } from './objectStore';
import { ResourceTarget } from './requestPath';
import { formatApiVersion } from './resourceTypes';
import { listKind, serve } from './servedObject';

export function getObject(
  store: ObjectStore,
  target: ResourceTarget,
): KubeObject {
  const { type, version, namespace, name = '' } = target;
  const stored = store.read(type, namespace, name);
  if (!stored) throw notFound(type.plural, type.group, name);
  return serve(type, version, stored);
}

/** Objects a list (or delete-collection) request selects, in key order. */
export function selectObjects(
  store: ObjectStore,
  target: ResourceTarget,
  query: URLSearchParams,
): KubeObject[] {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'), target.type);
  return store
    .readAll(target.type, target.namespace)
    .filter(object => labels(stringMapOf(object, 'labels')) && fields(object));
}

/**
 * A list page. With `limit`, at most that many items come back with a
 * `continue` token for the rest; the token keeps the first page's
 * resourceVersion, and `remainingItemCount` is given only without
 * selectors, as the real server does.
 */
export function listObjects(
  store: ObjectStore,
  target: ResourceTarget,
  query: URLSearchParams,
): JsonObject {
  const { type, version } = target;
  const limit = parseLimit(query.get('limit'));
  const continueToken = query.get('continue');
  let items = selectObjects(store, target, query);
  let listVersion = store.currentResourceVersion();
  if (continueToken) {
    const position = decodeContinueToken(
      continueToken,
      store.oldestContinuableVersion(),
    );
    listVersion = position.resourceVersion;
    items = items.filter(item => keyOf(type, item) > position.after);
  }
  const page = limit ? items.slice(0, limit) : items;
  const metadata: JsonObject = { resourceVersion: String(listVersion) };
  if (page.length < items.length) {
    metadata.continue = encodeContinueToken({
      resourceVersion: listVersion,
      after: keyOf(type, page[page.length - 1]),
    });
    if (!query.get('labelSelector') && !query.get('fieldSelector')) {
      metadata.remainingItemCount = items.length - page.length;
    }
  }
  return {
    kind: listKind(type),
    apiVersion: formatApiVersion(type.group, version),
    metadata,
    items: page.map(item => serve(type, version, item, true)),
  };
}

function parseLimit(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 0)
    throw badRequest(`invalid limit: ${value}`);
  return limit === 0 ? undefined : limit;
}

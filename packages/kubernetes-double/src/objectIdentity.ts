import { ApiError, badRequest, invalid } from './apiStatus';
import { isJsonObject, JsonObject, JsonValue } from './jsonValue';
import { KubeObject, readMetadata, stringField } from './kubeObject';
import { ResourceTarget } from './requestPath';
import { formatApiVersion, parseApiVersion } from './resourceTypes';

const SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function requireObjectBody(body: JsonValue | undefined): KubeObject {
  if (!isJsonObject(body))
    throw badRequest('the request body must be a Kubernetes object');
  return body;
}

/**
 * The body must be the kind the URL addresses, in the URL's group (and
 * version, when `strictVersion`), as the API server checks before anything else.
 */
export function checkKind(
  body: JsonObject,
  target: ResourceTarget,
  options: { required: boolean; strictVersion: boolean },
): void {
  const { type, version } = target;
  const expected = formatApiVersion(type.group, version);
  const apiVersion = stringField(body, 'apiVersion');
  const kind = stringField(body, 'kind');
  if (options.required && (!apiVersion || !kind)) {
    throw badRequest(
      `Object 'Kind' or 'apiVersion' is missing in the request body; expected ${expected}, Kind=${type.kind}`,
    );
  }
  if (apiVersion !== undefined) {
    const parsed = parseApiVersion(apiVersion);
    if (
      parsed.group !== type.group ||
      (options.strictVersion && parsed.version !== version)
    ) {
      throw badRequest(
        `the API version in the data (${apiVersion}) does not match the expected API version (${expected})`,
      );
    }
  }
  if (kind !== undefined && kind !== type.kind) {
    throw badRequest(
      `the kind in the data (${kind}) does not match the expected kind (${type.kind})`,
    );
  }
}

/** The URL's namespace, refusing a body that names another. */
export function checkNamespace(body: JsonObject, target: ResourceTarget): void {
  const namespace = stringField(readMetadata(body), 'namespace');
  if (target.type.namespaced && namespace && namespace !== target.namespace) {
    throw badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
}

export function checkNameMatchesUrl(
  body: JsonObject,
  target: ResourceTarget,
): void {
  const name = stringField(readMetadata(body), 'name');
  if (name !== undefined && name !== target.name) {
    throw badRequest(
      `the name of the object (${name}) does not match the name on the URL (${target.name})`,
    );
  }
}

export function checkNameFormat(target: ResourceTarget, name: string): void {
  const { type } = target;
  const pattern =
    type.kind === 'Namespace' && type.group === '' ? LABEL : SUBDOMAIN;
  const limit = pattern === LABEL ? 63 : 253;
  if (!pattern.test(name) || name.length > limit) {
    throw invalid(type.kind, name, [
      {
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 ${
          pattern === LABEL ? 'label' : 'subdomain'
        } must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      },
    ]);
  }
}

/** The name to create: `metadata.name`, or `generateName` plus five random characters. */
export function nameToCreate(body: JsonObject, target: ResourceTarget): string {
  const metadata = readMetadata(body);
  const name = stringField(metadata, 'name');
  if (name) return name;
  const generateName = stringField(metadata, 'generateName');
  if (generateName) {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let suffix = '';
    for (let index = 0; index < 5; index++)
      suffix += alphabet[Math.floor(Math.random() * alphabet.length)];
    return `${generateName}${suffix}`;
  }
  throw invalid(target.type.kind, '', [
    {
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
    },
  ]);
}

/** A stale `metadata.resourceVersion` in a write is a 409, as optimistic concurrency requires. */
export function checkResourceVersion(
  body: JsonObject,
  stored: KubeObject,
  stale: () => ApiError,
): void {
  const wanted = stringField(readMetadata(body), 'resourceVersion');
  if (
    wanted !== undefined &&
    wanted !== stringField(readMetadata(stored), 'resourceVersion')
  )
    throw stale();
}

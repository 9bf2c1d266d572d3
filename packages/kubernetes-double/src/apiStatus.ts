import { JsonObject } from './jsonValue';

/** Reasons the API server puts in a failed `Status`, keyed by HTTP code. */
const REASONS: Record<number, { reason: string; message: string }> = {
  400: {
    reason: 'BadRequest',
    message: 'the server rejected our request for an unknown reason',
  },
  401: { reason: 'Unauthorized', message: 'Unauthorized' },
  403: {
    reason: 'Forbidden',
    message: 'forbidden: the simulated cluster denies this request',
  },
  404: {
    reason: 'NotFound',
    message: 'the server could not find the requested resource',
  },
  405: {
    reason: 'MethodNotAllowed',
    message: 'the server does not allow this method on the requested resource',
  },
  409: {
    reason: 'Conflict',
    message:
      'the object has been modified; please apply your changes to the latest version and try again',
  },
  410: {
    reason: 'Expired',
    message:
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
  },
  413: { reason: 'RequestEntityTooLarge', message: 'the request is too large' },
  415: {
    reason: 'UnsupportedMediaType',
    message: 'the body of the request was in an unknown format',
  },
  422: {
    reason: 'Invalid',
    message: 'the server rejected our request due to an error in our request',
  },
  429: {
    reason: 'TooManyRequests',
    message: 'Too many requests, please try again later.',
  },
  500: {
    reason: 'InternalError',
    message: 'Internal error occurred: simulated failure',
  },
  503: {
    reason: 'ServiceUnavailable',
    message: 'the server is currently unable to handle the request',
  },
  504: {
    reason: 'Timeout',
    message: 'the server was unable to return a response in the time allotted',
  },
};

export type StatusDetails = {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: Array<{ type?: string; message: string; field?: string }>;
  retryAfterSeconds?: number;
};

/**
 * A failure the API server reports as a `Status` body. Thrown anywhere in
 * request handling and turned into the response in one place.
 */
export class ApiError extends Error {
  readonly reason: string;

  constructor(
    readonly code: number,
    message?: string,
    readonly details?: StatusDetails,
    reason?: string,
  ) {
    super(message ?? REASONS[code]?.message ?? `HTTP ${code}`);
    this.reason = reason ?? REASONS[code]?.reason ?? 'Unknown';
  }

  toStatus(): JsonObject {
    return failureStatus(this.code, this.message, this.reason, this.details);
  }
}

export function failureStatus(
  code: number,
  message: string,
  reason: string,
  details?: StatusDetails,
): JsonObject {
  const status: JsonObject = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) status.details = JSON.parse(JSON.stringify(details));
  return status;
}

/** The body an injected fault answers with: what a real server says for that code. */
export function statusForCode(
  code: number,
  retryAfterSeconds?: number,
): ApiError {
  const details: StatusDetails | undefined =
    retryAfterSeconds !== undefined ? { retryAfterSeconds } : undefined;
  return new ApiError(code, undefined, details);
}

export function successStatus(details: StatusDetails): JsonObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: JSON.parse(JSON.stringify(details)),
  };
}

/** `secrets` or `helmreleases.helm.fluxcd.io`, as the server names resources in messages. */
export function qualifiedResource(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

/** The details the server gives when a request fails on one named object. */
function objectDetails(
  plural: string,
  group: string,
  name: string,
): StatusDetails {
  return { name, group: group || undefined, kind: plural };
}

export function notFound(
  plural: string,
  group: string,
  name: string,
): ApiError {
  return new ApiError(
    404,
    `${qualifiedResource(plural, group)} "${name}" not found`,
    objectDetails(plural, group, name),
  );
}

export function alreadyExists(
  plural: string,
  group: string,
  name: string,
): ApiError {
  return new ApiError(
    409,
    `${qualifiedResource(plural, group)} "${name}" already exists`,
    objectDetails(plural, group, name),
    'AlreadyExists',
  );
}

export function staleResourceVersion(
  plural: string,
  group: string,
  name: string,
): ApiError {
  return new ApiError(
    409,
    `Operation cannot be fulfilled on ${qualifiedResource(
      plural,
      group,
    )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    objectDetails(plural, group, name),
    'Conflict',
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, message);
}

export function invalid(
  kind: string,
  name: string,
  causes: Array<{ field: string; message: string }>,
): ApiError {
  const summary = causes
    .map(cause => `${cause.field}: ${cause.message}`)
    .join(', ');
  return new ApiError(422, `${kind} "${name}" is invalid: ${summary}`, {
    name,
    kind,
    causes: causes.map(cause => ({ type: 'FieldValueInvalid', ...cause })),
  });
}

import { createHash } from 'node:crypto';
import {
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { RegistryResponseError } from './RegistryResponseError';

/** A registry's answer, its body read whole within the request's limit. */
export type RegistryResponse = {
  status: number;
  headers: Headers;
  body: Buffer;
};

/** The `sha256:` digest of `data`, as the distribution API names content. */
export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new RegistryResponseError(`${what} is not valid JSON`);
  }
}

/**
 * The registry's error code (`{"errors":[{"code":"NAME_UNKNOWN"}]}`) with a
 * leading space, for messages; empty unless it is a short upper-case word,
 * so a registry cannot write into our messages.
 */
export function errorCode(response: RegistryResponse): string {
  try {
    const code = JSON.parse(response.body.toString('utf8'))?.errors?.[0]?.code;
    return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code)
      ? ` ${code}`
      : '';
  } catch {
    return '';
  }
}

/**
 * Throws unless the response is a 2xx: `NotFoundError` for a 404 when
 * `notFound` words it, `NotAllowedError` for a 403, `ServiceUnavailableError`
 * otherwise. `what` ends the message ("listing tags").
 */
export function expectOk(
  response: RegistryResponse,
  what: string,
  notFound?: (code: string) => string,
): void {
  if (response.status >= 200 && response.status < 300) {
    return;
  }
  if (response.status === 404 && notFound) {
    throw new NotFoundError(notFound(errorCode(response)));
  }
  if (response.status === 403) {
    throw new NotAllowedError(
      `access denied (HTTP 403${errorCode(response)}) ${what}`,
    );
  }
  throw new ServiceUnavailableError(
    `registry answered HTTP ${response.status}${errorCode(response)} ${what}`,
  );
}

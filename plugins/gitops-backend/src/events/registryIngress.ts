import { InputError } from '@backstage/errors';
import {
  HttpBodyParser,
  RequestDetails,
  RequestValidationContext,
  RequestValidator,
} from '@backstage/plugin-events-node';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Equal strings, in time that does not tell how much of them matched. */
function sameSecret(given: string, expected: string): boolean {
  // Digests make both sides one length, so the length is not told either.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const firstValue = (value: unknown): string | undefined => {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
};

/**
 * Lets a registry notification in when it carries the shared token as
 * `Authorization: Bearer <token>` (distribution's notification headers,
 * Harbor's auth header), or as `?token=` for senders that cannot set
 * headers (Docker Hub), when the events backend passes the query on.
 */
export function registryTokenValidator(token: string): RequestValidator {
  return async (request: RequestDetails, context: RequestValidationContext) => {
    const header = firstValue(request.headers.authorization);
    const bearer = header?.startsWith('Bearer ')
      ? header.slice('Bearer '.length).trim()
      : undefined;
    // `query` is in events-node 0.5's type; older events backends leave it out.
    const query = firstValue((request as Partial<RequestDetails>).query?.token);
    const given = bearer ?? query;
    if (given !== undefined && sameSecret(given, token)) return;
    context.reject({
      status: 401,
      payload: { message: 'invalid or missing token' },
    });
  };
}

/**
 * Bitbucket Cloud's webhook signature: `X-Hub-Signature: sha256=<hex>`, the
 * HMAC-SHA256 of the raw body with the webhook's secret. Its events module
 * has no validator of its own.
 */
export function bitbucketCloudSignatureValidator(
  secret: string,
): RequestValidator {
  return async (request: RequestDetails, context: RequestValidationContext) => {
    const signature = firstValue(request.headers['x-hub-signature']);
    const expected = `sha256=${createHmac('sha256', secret)
      .update(request.raw.body)
      .digest('hex')}`;
    if (signature !== undefined && sameSecret(signature, expected)) return;
    context.reject({ status: 403, payload: { message: 'invalid signature' } });
  };
}

/** The media type distribution (`registry:2`) posts its notifications as. */
export const DISTRIBUTION_EVENTS_TYPE =
  'application/vnd.docker.distribution.events.v1+json';

/**
 * Reads distribution's notification bodies, JSON under their own media
 * type, which the events backend's parsers (application/json only) refuse.
 * The body arrives size-limited by the events backend.
 */
export const distributionEventsBodyParser: HttpBodyParser = async (
  request,
  mediaType,
) => {
  const bodyBuffer = request.body;
  if (!Buffer.isBuffer(bodyBuffer))
    throw new InputError('Expected a raw notification body');
  const encoding = mediaType.parameters.charset ?? 'utf-8';
  if (!Buffer.isEncoding(encoding))
    throw new InputError(`Unsupported charset ${encoding}`);
  try {
    return {
      bodyParsed: JSON.parse(bodyBuffer.toString(encoding)),
      bodyBuffer,
      encoding,
    };
  } catch {
    throw new InputError('The notification body is not JSON');
  }
};

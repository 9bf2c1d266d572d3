import { RegistryResponseError } from './RegistryResponseError';

/** At most `bytes` of a response; `over` describes the limit when it is exceeded. */
export type BodyLimit = { bytes: number; over?: string };

/**
 * The body of `response`, refused as soon as it is known to exceed the
 * limit: by its declared length before reading, or while streaming, so a
 * hostile registry cannot make us hold more than the limit.
 */
export async function readLimitedBody(
  response: Response,
  { bytes: limit, over }: BodyLimit,
): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit) {
    await response.body?.cancel();
    throw new RegistryResponseError(
      over ?? `response of ${declared} bytes exceeds the ${limit} byte limit`,
    );
  }
  if (!response.body) {
    return Buffer.alloc(0);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) {
      // Leaving the loop cancels the stream.
      throw new RegistryResponseError(
        over ?? `response exceeds the ${limit} byte limit`,
      );
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size);
}

import http from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './apiStatus';
import { JsonValue } from './jsonValue';

/** The API server's own limit on request bodies. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_BODY_BYTES)
        reject(new ApiError(413, 'Request entity too large: limit is 3145728'));
      else resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

/** The media type without parameters, lower-cased. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Parses a request body by its media type. YAML is accepted where the real
 * server accepts it (apply patches and `application/yaml`); a YAML parser
 * reads JSON too, which is what client-node sends even for apply.
 */
export function parseBody(body: Buffer, type: string): JsonValue | undefined {
  if (body.length === 0) return undefined;
  const text = body.toString('utf8');
  try {
    if (type.endsWith('yaml')) return parseYaml(text) as JsonValue;
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw badRequest(
      `error decoding request body: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}

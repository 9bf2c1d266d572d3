import { gunzipSync } from 'node:zlib';

// Helm compresses with gzip; a release's JSON is rarely above a few MiB, so a
// much larger output means a hostile or broken payload, not a release.
const MAX_RELEASE_JSON_BYTES = 64 * 1024 * 1024;

const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Thrown with a fixed text that never quotes the payload. */
export class ReleasePayloadError extends Error {}

// Buffer.from(.., 'base64') silently skips characters it does not know; a
// strict check turns a truncated or mangled value into a clear error instead
// of garbage for the next layer.
function strictBase64(text: string, layer: string): Buffer {
  if (text.length % 4 !== 0 || !STANDARD_BASE64.test(text)) {
    throw new ReleasePayloadError(`is not valid base64 (${layer})`);
  }
  return Buffer.from(text, 'base64');
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The release JSON text inside a Secret's `data.release` as the Kubernetes API
 * returns it: the API's base64, then Helm's base64, then gzip. Helm itself
 * accepts payloads without gzip (older writers), and so do we.
 */
export function decodeReleasePayload(apiValue: string): string {
  const helmValue = strictBase64(apiValue.trim(), 'Kubernetes encoding')
    .toString('latin1')
    .trim();
  const bytes = strictBase64(helmValue, "Helm's encoding");
  if (!isGzip(bytes)) {
    return bytes.toString('utf8');
  }
  try {
    return gunzipSync(bytes, {
      maxOutputLength: MAX_RELEASE_JSON_BYTES,
    }).toString('utf8');
  } catch {
    throw new ReleasePayloadError('holds gzip data that does not decompress');
  }
}

import { ApiError, badRequest } from './apiStatus';

/**
 * Continue tokens are opaque to clients; like the real server's they carry
 * the list's resourceVersion and the key to resume after, base64-encoded.
 */
export type ContinuePosition = { resourceVersion: number; after: string };

export function encodeContinueToken(position: ContinuePosition): string {
  const body = JSON.stringify({
    v: 'meta.k8s.io/v1',
    rv: position.resourceVersion,
    start: `${position.after}\u0000`,
  });
  return Buffer.from(body, 'utf8').toString('base64url');
}

export function decodeContinueToken(
  token: string,
  oldestServable: number,
): ContinuePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data');
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { v?: unknown }).v !== 'meta.k8s.io/v1' ||
    typeof (parsed as { rv?: unknown }).rv !== 'number' ||
    typeof (parsed as { start?: unknown }).start !== 'string'
  ) {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  const { rv, start } = parsed as { rv: number; start: string };
  if (rv < oldestServable) {
    // What a real server says once etcd has compacted past the token.
    throw new ApiError(410);
  }
  // eslint-disable-next-line no-control-regex -- a trailing NUL marks the position
  return { resourceVersion: rv, after: start.replace(/\u0000$/, '') };
}

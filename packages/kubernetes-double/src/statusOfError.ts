/**
 * The Kubernetes `Status` carried by an error from client-node (its
 * ApiException keeps the response body as text), for assertions.
 */
export function statusOfError(error: unknown): {
  code?: number;
  reason?: string;
  message?: string;
  details?: Record<string, unknown>;
} {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return {};
    }
  }
  return typeof body === 'object' && body !== null
    ? (body as Record<string, unknown>)
    : {};
}

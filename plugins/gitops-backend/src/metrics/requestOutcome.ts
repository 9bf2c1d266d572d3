/**
 * How a request to a registry or a cluster ended, in few enough words to be
 * a metric attribute: `refused` is 401/403 (or our own policy refusing the
 * address), `error` any other failure, an unreachable host included.
 */
export type RequestOutcome =
  | 'ok'
  | 'not_found'
  | 'refused'
  | 'rate_limited'
  | 'timeout'
  | 'error';

/** The outcome of an answered request, from its HTTP status. */
export function outcomeOfStatus(status: number): RequestOutcome {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403) return 'refused';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  return 'error';
}

/**
 * The outcome of a request that threw: from the HTTP status the error
 * carries where the server answered (`status` or `code`, as our cluster
 * errors and the Kubernetes client's exceptions have it), else by whether
 * it timed out.
 */
export function outcomeOfError(error: unknown): RequestOutcome {
  const { status, code, name } = (error ?? {}) as {
    status?: unknown;
    code?: unknown;
    name?: unknown;
  };
  if (name === 'TimeoutError') return 'timeout';
  const answered = typeof status === 'number' ? status : code;
  // Only an HTTP status: a DOMException's legacy `code` is a small number too.
  if (typeof answered === 'number' && answered >= 100 && answered < 600) {
    return outcomeOfStatus(answered);
  }
  return 'error';
}

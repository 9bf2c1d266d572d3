import { errorMessage } from '../kernel';
import { CustomErrorBase } from '@backstage/errors';

/**
 * A request to a cluster that failed: `status` is the HTTP status, absent when
 * the cluster could not be reached at all. The message says what we tried and
 * what the API server answered, never what we sent.
 */
export class ClusterRequestError extends CustomErrorBase {
  name = 'ClusterRequestError' as const;

  constructor(message: string, readonly status?: number) {
    super(message);
  }

  /** The cluster answered, so it is up; only this request was refused. */
  get answered(): boolean {
    return this.status !== undefined;
  }
}

type StatusBody = { message?: unknown; reason?: unknown };

function statusBody(body: unknown): StatusBody | undefined {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return undefined;
    }
  }
  return body && typeof body === 'object' ? (body as StatusBody) : undefined;
}

/**
 * Turns what `@kubernetes/client-node` throws (ApiException with `code` and a
 * Status `body`, or a fetch error) into a ClusterRequestError naming `what`.
 */
export function toClusterRequestError(
  error: unknown,
  what: string,
): ClusterRequestError {
  if (error instanceof ClusterRequestError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'number') {
    const body = statusBody((error as { body?: unknown }).body);
    const detail =
      [body?.message, body?.reason].find(
        (text): text is string => typeof text === 'string',
      ) ?? `HTTP ${code}`;
    return new ClusterRequestError(`${what}: ${code} ${detail}`, code);
  }
  const cause = errorMessage(error);
  return new ClusterRequestError(`${what}: cluster unreachable (${cause})`);
}

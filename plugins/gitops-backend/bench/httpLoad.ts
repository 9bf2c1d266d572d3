// HTTP load for the read benchmarks: N clients on one keep-alive agent, each
// sending its next request when the last answered, as browsers on a page do.
import http from 'node:http';

export type HttpCall = {
  method: 'GET' | 'POST';
  /** Path and query, e.g. `/api/gitops/environments`. */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
};

export type HttpAnswer = { status: number; text: string };

/** One request on `agent`; the whole body is read, as a client would. */
export function send(
  agent: http.Agent,
  baseUrl: string,
  call: HttpCall,
): Promise<HttpAnswer> {
  const url = new URL(call.path, baseUrl);
  const payload =
    call.body === undefined
      ? undefined
      : Buffer.from(JSON.stringify(call.body));
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        agent,
        method: call.method,
        headers: {
          ...call.headers,
          ...(payload
            ? {
                'content-type': 'application/json',
                'content-length': String(payload.length),
              }
            : {}),
        },
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** The value below which `fraction` of `sorted` lies (nearest rank). */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(fraction * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export type LoadResult = {
  requests: number;
  concurrency: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers per second over the whole run. */
  throughput: number;
  /** Answers other than 200 (timed like the others), and the first of them. */
  errors: number;
  firstError?: string;
};

/**
 * Sends `requests` calls from `concurrency` clients sharing one keep-alive
 * agent and times each. Answers other than 200 are counted and reported
 * with the first of them, so a route that fails under load shows as such.
 */
export async function measureLoad(options: {
  baseUrl: string;
  call: HttpCall;
  requests: number;
  concurrency: number;
  /** Stops issuing requests after this long; the result counts those sent. */
  maxSeconds?: number;
}): Promise<LoadResult> {
  const { baseUrl, call, requests, concurrency } = options;
  const deadline = performance.now() + (options.maxSeconds ?? Infinity) * 1000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let issued = 0;
  const started = performance.now();
  async function client() {
    while (issued < requests && performance.now() < deadline) {
      issued += 1;
      const before = performance.now();
      const answer = await send(agent, baseUrl, call);
      latencies.push(performance.now() - before);
      if (answer.status !== 200) {
        errors += 1;
        firstError ??= `${call.method} ${call.path} answered ${
          answer.status
        }: ${answer.text.slice(0, 300)}`;
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: concurrency }, client));
  } finally {
    agent.destroy();
  }
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    concurrency,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies[latencies.length - 1],
    throughput: (latencies.length / elapsed) * 1000,
    errors,
    ...(firstError ? { firstError } : {}),
  };
}

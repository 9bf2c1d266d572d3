import http from 'node:http';
import { AddressInfo } from 'node:net';

export type StubRequest = {
  method: string;
  /** Path and query, as sent. */
  path: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
};

export type StubReply = {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON. */
  body?: string | Buffer | object;
  /** Wait this long before answering (timeouts, concurrency). */
  delayMs?: number;
};

/**
 * Answers a request, or returns undefined to pass it to the upstream
 * registry; without one, `/v2/` answers 200 and anything else 404.
 */
export type StubHandler = (
  request: StubRequest,
) => StubReply | undefined | Promise<StubReply | undefined>;

export type StubRegistry = {
  /** `127.0.0.1:<port>` */
  host: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Every request, in arrival order. */
  requests: StubRequest[];
  /** Most requests handled at the same moment. */
  maxInFlight: number;
  stop(): Promise<void>;
};

// Headers the client reads, passed through from the upstream registry.
const FORWARDED_HEADERS = [
  'content-type',
  'docker-content-digest',
  'link',
  'www-authenticate',
  'location',
  'retry-after',
];

async function forward(
  upstream: string,
  request: StubRequest,
): Promise<StubReply> {
  const headers: Record<string, string> = {};
  for (const name of ['accept', 'authorization']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const response = await fetch(`${upstream}${request.path}`, {
    method: request.method,
    headers,
    redirect: 'manual',
  });
  const replyHeaders: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) replyHeaders[name] = value;
  }
  return {
    status: response.status,
    headers: replyHeaders,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

/**
 * A small HTTP server standing in front of (or instead of) a registry, for
 * what the real one cannot be made to do: 429s, malformed JSON, bearer
 * tokens, redirects elsewhere, slow answers, 100,000 tags. Requests the
 * handler leaves alone go to `upstream`.
 */
export async function startStubRegistry(options: {
  handle?: StubHandler;
  upstream?: string;
}): Promise<StubRegistry> {
  const requests: StubRequest[] = [];
  let inFlight = 0;
  // Pending delayed answers, cancelled at stop so no timer outlives the test.
  const delays = new Set<NodeJS.Timeout>();
  const state = { maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const request: StubRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      url: new URL(req.url ?? '/', `http://${req.headers.host}`),
      headers: req.headers,
    };
    requests.push(request);
    const answer = async (): Promise<StubReply> => {
      const reply = await options.handle?.(request);
      if (reply) return reply;
      if (options.upstream) return forward(options.upstream, request);
      if (request.url.pathname === '/v2/') return { status: 200, body: {} };
      return { status: 404, body: { errors: [{ code: 'NAME_UNKNOWN' }] } };
    };
    answer()
      .then(async reply => {
        if (reply.delayMs) {
          await new Promise<void>(resolve => {
            const timer = setTimeout(() => {
              delays.delete(timer);
              resolve();
            }, reply.delayMs);
            delays.add(timer);
          });
        }
        const isJson =
          reply.body !== undefined &&
          typeof reply.body === 'object' &&
          !Buffer.isBuffer(reply.body);
        const body = isJson
          ? JSON.stringify(reply.body)
          : (reply.body as string | Buffer | undefined);
        res.writeHead(reply.status, {
          ...(isJson ? { 'content-type': 'application/json' } : {}),
          ...reply.headers,
        });
        res.end(body);
      })
      .catch(error => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      })
      .finally(() => {
        inFlight--;
      });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    async stop() {
      delays.forEach(timer => clearTimeout(timer));
      delays.clear();
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

/**
 * A handler for `GET /v2/<name>/tags/list` over `tags`, paginating the way
 * registries do: sorted, at most min(n, maxPageSize) per page, and a
 * relative `Link: <...>; rel="next"` while more remain.
 */
export function pagedTagList(
  tags: string[],
  options: { maxPageSize?: number } = {},
): (request: StubRequest) => StubReply {
  const sorted = [...tags].sort();
  return request => {
    const name = /^\/v2\/(.+)\/tags\/list$/.exec(request.url.pathname)?.[1];
    const wanted = Number(request.url.searchParams.get('n')) || sorted.length;
    const size = Math.min(wanted, options.maxPageSize ?? Infinity);
    const last = request.url.searchParams.get('last');
    let start = 0;
    if (last !== null) {
      // Binary search for the first tag after `last`.
      let high = sorted.length;
      while (start < high) {
        const mid = (start + high) >> 1;
        if (sorted[mid] <= last) start = mid + 1;
        else high = mid;
      }
    }
    const page = sorted.slice(start, start + size);
    const headers: Record<string, string> = {};
    if (start + size < sorted.length) {
      const next = new URLSearchParams({
        n: String(size),
        last: page[page.length - 1],
      });
      headers.link = `</v2/${name}/tags/list?${next}>; rel="next"`;
    }
    return { status: 200, headers, body: { name, tags: page } };
  };
}

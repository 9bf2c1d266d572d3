import http from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ApiError, statusForCode } from './apiStatus';
import {
  coreVersions,
  groupDocument,
  groupList,
  resourceList,
  versionInfo,
} from './discovery';
import { FaultInjector } from './faultInjector';
import { JsonObject } from './jsonValue';
import { ObjectStore } from './objectStore';
import { mediaType, parseBody, readBody } from './requestBody';
import { RequestCounter } from './requestCounter';
import { parseRequestPath, RequestTarget } from './requestPath';
import { handleResourceRequest } from './resourceHandler';
import { WatchStreams } from './watchStream';

export type ApiServerOptions = {
  port: number;
  token: string;
  store: ObjectStore;
  faults: FaultInjector;
  counter: RequestCounter;
  /** Added before every answer, as a remote cluster's round trip would; 0 when absent. */
  latencyMs?: number;
};

/** Paths anyone may read, as `system:public-info-viewer` allows on a real cluster. */
const ANONYMOUS = new Set(['health', 'version']);

/**
 * The HTTP face of the double: bearer-token auth, planned faults, request
 * counting, discovery and resource verbs, with every failure answered as a
 * `Status`. It can be taken down and brought back on the same port, so
 * clients see connection refused in between.
 */
export class ApiServer {
  private readonly server: http.Server;
  private readonly watches: WatchStreams;
  private port: number;
  private listening = false;
  private latencyMs: number;

  constructor(private readonly options: ApiServerOptions) {
    this.port = options.port;
    this.latencyMs = checkedLatency(options.latencyMs ?? 0);
    this.watches = new WatchStreams(options.store);
    this.server = http.createServer((request, response) => {
      this.serve(request, response).catch(error => {
        if (!response.headersSent)
          sendJson(response, 500, new ApiError(500, String(error)).toStatus());
        else response.destroy();
      });
    });
    this.server.keepAliveTimeout = 5000;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Delays every later answer by `ms`, such as a benchmark's 0 ms and 20 ms runs. */
  setLatency(ms: number): void {
    this.latencyMs = checkedLatency(ms);
  }

  async setDown(down: boolean): Promise<void> {
    if (down === !this.listening) return;
    if (down) {
      this.listening = false;
      this.watches.closeAll();
      const closed = new Promise<void>(resolve =>
        this.server.close(() => resolve()),
      );
      this.server.closeAllConnections();
      await closed;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.listening = true;
  }

  private async serve(
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): Promise<void> {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const target = parseRequestPath(url.pathname, this.options.store.registry);
    this.options.counter.record(method, target.template, url.pathname);
    try {
      const body = await readBody(request);
      if (this.latencyMs > 0) await delay(this.latencyMs);
      const fault = this.options.faults.take(method, url.pathname);
      if (fault) {
        const headers: Record<string, string> = {};
        if (fault.retryAfterSeconds !== undefined)
          headers['Retry-After'] = String(fault.retryAfterSeconds);
        sendJson(
          response,
          fault.status,
          statusForCode(fault.status, fault.retryAfterSeconds).toStatus(),
          headers,
        );
        return;
      }
      if (
        !ANONYMOUS.has(target.kind) &&
        request.headers.authorization !== `Bearer ${this.options.token}`
      ) {
        throw new ApiError(401);
      }
      if (
        target.kind === 'resource' &&
        method === 'GET' &&
        isWatch(url.searchParams)
      ) {
        this.watches.open(target, url.searchParams, response);
        return;
      }
      const contentType = mediaType(request.headers['content-type']);
      const answer = this.answer(
        target,
        method,
        url,
        contentType,
        body,
        request.headers['user-agent'],
      );
      sendJson(response, answer.status, answer.body);
    } catch (error) {
      const failure =
        error instanceof ApiError
          ? error
          : new ApiError(500, `Internal error occurred: ${String(error)}`);
      sendJson(response, failure.code, failure.toStatus());
    }
  }

  private answer(
    target: RequestTarget,
    method: string,
    url: URL,
    contentType: string,
    body: Buffer,
    userAgent: string | undefined,
  ): { status: number; body: JsonObject } {
    const registry = this.options.store.registry;
    if (target.kind === 'resource') {
      return handleResourceRequest(this.options.store, {
        method,
        target,
        query: url.searchParams,
        mediaType: contentType,
        body: parseBody(body, contentType),
        userAgent,
      });
    }
    if (method !== 'GET') throw new ApiError(405);
    let document: JsonObject | undefined;
    switch (target.kind) {
      case 'health':
        return { status: 200, body: { status: 'ok' } };
      case 'version':
        document = versionInfo();
        break;
      case 'coreVersions':
        document = coreVersions(`127.0.0.1:${this.port}`);
        break;
      case 'groups':
        document = groupList(registry);
        break;
      case 'group':
        document = groupDocument(registry, target.group);
        break;
      case 'resourceList':
        document = resourceList(registry, target.group, target.version);
        break;
      default:
        document = undefined;
    }
    if (!document) throw new ApiError(404);
    return { status: 200, body: document };
  }
}

function checkedLatency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0)
    throw new Error(`latencyMs must be a finite number >= 0, not ${ms}`);
  return ms;
}

function isWatch(query: URLSearchParams): boolean {
  const watch = query.get('watch');
  return watch === 'true' || watch === '1';
}

function sendJson(
  response: http.ServerResponse,
  status: number,
  body: JsonObject,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

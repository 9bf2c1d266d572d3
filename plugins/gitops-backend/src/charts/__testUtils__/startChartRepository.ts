import http from 'node:http';
import { AddressInfo } from 'node:net';

type Reply = {
  status?: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
};

export type ChartRepositoryServer = {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Each request's path and Authorization header, in arrival order. */
  requests: Array<{ path: string; authorization?: string }>;
  /** What `GET /index.yaml` answers from now on. */
  serve(reply: Reply): void;
  stop(): Promise<void>;
};

/** The index.yaml of a Helm repository listing these versions of each chart. */
export function helmIndexYaml(charts: Record<string, string[]>): string {
  const lines = ['apiVersion: v1', 'entries:'];
  for (const [name, versions] of Object.entries(charts)) {
    lines.push(`  ${name}:`);
    for (const version of versions) {
      lines.push(
        `    - name: ${name}`,
        `      version: ${version}`,
        `      urls: [${name}-${version}.tgz]`,
      );
    }
  }
  lines.push('generated: "2026-12-01T00:00:00Z"');
  return `${lines.join('\n')}\n`;
}

/** A Helm repository on a loopback port: index.yaml only, as configured by the test. */
export async function startChartRepository(): Promise<ChartRepositoryServer> {
  let reply: Reply = { status: 404 };
  const requests: ChartRepositoryServer['requests'] = [];
  const server = http.createServer((request, response) => {
    requests.push({
      path: request.url ?? '',
      ...(request.headers.authorization
        ? { authorization: request.headers.authorization }
        : {}),
    });
    if (
      request.url !== '/index.yaml' &&
      !request.url?.endsWith('/index.yaml')
    ) {
      response.writeHead(404).end();
      return;
    }
    const answer = reply;
    setTimeout(() => {
      response.writeHead(
        answer.status ?? 200,
        answer.headers ?? { 'content-type': 'application/yaml' },
      );
      response.end(answer.body ?? '');
    }, answer.delayMs ?? 0);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    serve(next) {
      reply = next;
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

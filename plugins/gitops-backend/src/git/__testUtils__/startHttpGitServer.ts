import { spawn } from 'node:child_process';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { testGitEnvironment } from './runTestGit';

export type HttpGitServer = {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** `<baseUrl>/repo.git`, the repository a {@link createTestRemote} root holds. */
  url: string;
  /** Every request seen, in order, so tests can check what clients sent. */
  requests: Array<{ method: string; path: string; authorized: boolean }>;
  stop(): Promise<void>;
};

/**
 * A smart-HTTP git server for tests: `git http-backend` run as CGI for each
 * request under `root`, behind Basic auth that accepts any username with
 * `token` as the password (401 with `WWW-Authenticate: Basic` otherwise).
 * Clone, fetch and push all work. `onAuthorizedRequest` runs before the
 * backend answers, while the client is waiting (e.g. to inspect its processes).
 */
export async function startHttpGitServer(options: {
  root: string;
  token: string;
  onAuthorizedRequest?: () => void | Promise<void>;
}): Promise<HttpGitServer> {
  const requests: HttpGitServer['requests'] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const username = authorizedUser(req.headers.authorization, options.token);
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      authorized: !!username,
    });
    if (!username) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      res.end('Unauthorized');
      return;
    }
    Promise.resolve(options.onAuthorizedRequest?.())
      .then(() => runBackend(req, res, url, username, options.root))
      .catch(error => {
        res.writeHead(500);
        res.end(String(error));
      });
  });

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    url: `${baseUrl}/repo.git`,
    requests,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function authorizedUser(
  header: string | undefined,
  token: string,
): string | undefined {
  const match = /^Basic (\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1 || decoded.slice(colon + 1) !== token) return undefined;
  return decoded.slice(0, colon) || 'git';
}

function runBackend(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  username: string,
  root: string,
): void {
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value ?? '';
  };
  const backend = spawn('git', ['http-backend'], {
    env: testGitEnvironment({
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: header('content-type'),
      ...(req.headers['content-length']
        ? { CONTENT_LENGTH: header('content-length') }
        : {}),
      // Compressed request bodies and protocol v2 are negotiated through these.
      ...(req.headers['content-encoding']
        ? { HTTP_CONTENT_ENCODING: header('content-encoding') }
        : {}),
      ...(req.headers['git-protocol']
        ? { HTTP_GIT_PROTOCOL: header('git-protocol') }
        : {}),
      // A REMOTE_USER is what enables receive-pack, i.e. pushes.
      REMOTE_USER: username,
      REMOTE_ADDR: '127.0.0.1',
    }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  req.pipe(backend.stdin);
  backend.stdin.on('error', () => {});

  // CGI output: headers, a blank line, then the body.
  let head = Buffer.alloc(0);
  let headersSent = false;
  let stderr = '';
  backend.stderr.on('data', chunk => {
    stderr += chunk;
  });
  backend.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const text = head.toString('latin1');
    const end = /\r?\n\r?\n/.exec(text);
    if (!end) return;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of text.slice(0, end.index).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = parseInt(value, 10);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    headersSent = true;
    res.write(head.subarray(end.index + end[0].length));
  });
  backend.on('close', code => {
    if (!headersSent) {
      res.writeHead(500);
      res.end(`git http-backend exited with ${code}: ${stderr}`);
      return;
    }
    res.end();
  });
}

import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { bcryptHash } from './bcryptHash';

const REGISTRY_BINARY = '/usr/bin/docker-registry';
const READY_TIMEOUT_MS = 15_000;

export type TestRegistry = {
  /** As written in image refs: `127.0.0.1:<port>`. */
  host: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The `Authorization` header value when the registry was started with htpasswd. */
  authorization?: string;
  /** Root of the registry's filesystem storage, for {@link seedTestTags}. */
  storagePath: string;
  stop(): Promise<void>;
};

/** A port nobody listens on right now, from the kernel. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Where the registry sends its notifications (distribution's `notifications.endpoints`). */
export type TestRegistryNotifications = {
  url: string;
  /** Sent with every notification, e.g. `{ Authorization: 'Bearer <token>' }`. */
  headers?: Record<string, string>;
};

function registryConfig(options: {
  storage: string;
  port: number;
  htpasswdPath?: string;
  notifications?: TestRegistryNotifications;
}): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(options.storage)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${options.port}`,
    // A fixed secret keeps the registry from warning about a random one.
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (options.notifications) {
    const { url, headers = {} } = options.notifications;
    lines.push(
      'notifications:',
      '  endpoints:',
      '    - name: test',
      `      url: ${JSON.stringify(url)}`,
      '      timeout: 2s',
      '      threshold: 3',
      '      backoff: 1s',
      ...(Object.keys(headers).length > 0
        ? [
            '      headers:',
            ...Object.entries(headers).map(
              ([name, value]) =>
                `        ${JSON.stringify(name)}: [${JSON.stringify(value)}]`,
            ),
          ]
        : []),
    );
  }
  if (options.htpasswdPath) {
    lines.push(
      'auth:',
      '  htpasswd:',
      '    realm: gitops-test',
      `    path: ${JSON.stringify(options.htpasswdPath)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function waitUntilServing(
  url: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `docker-registry exited (${
          child.exitCode ?? child.signalCode
        }) before serving: ${output()}`,
      );
    }
    try {
      const response = await fetch(`${url}/v2/`, {
        signal: AbortSignal.timeout(1000),
      });
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(
        `docker-registry did not answer ${url}/v2/ within ${READY_TIMEOUT_MS} ms: ${output()}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/**
 * Runs Debian's `docker-registry` (distribution v2.8) on a free loopback
 * port with filesystem storage in a temp folder, optionally behind htpasswd
 * Basic auth. Fails, never skips, when the binary is missing: these tests
 * are the proof the client speaks the real protocol.
 */
export async function startTestRegistry(
  options: {
    htpasswd?: { username: string; password: string };
    /**
     * Folder to create the registry's temp folder in; default the OS temp
     * folder. Benchmarks pass a tmpfs (/dev/shm): 100,000 tags are hundreds
     * of thousands of files.
     */
    tempRoot?: string;
    /** Notify this endpoint of every push and pull, as a registry configured to would. */
    notifications?: TestRegistryNotifications;
  } = {},
): Promise<TestRegistry> {
  try {
    await fs.access(REGISTRY_BINARY, fsConstants.X_OK);
  } catch {
    throw new Error(
      `${REGISTRY_BINARY} is missing: install the Debian package docker-registry (apt-get install docker-registry) to run the registry tests`,
    );
  }
  const root = await fs.mkdtemp(
    path.join(options.tempRoot ?? os.tmpdir(), 'gitops-test-registry-'),
  );
  let htpasswdPath: string | undefined;
  let authorization: string | undefined;
  if (options.htpasswd) {
    const { username, password } = options.htpasswd;
    htpasswdPath = path.join(root, 'htpasswd');
    await fs.writeFile(htpasswdPath, `${username}:${bcryptHash(password)}\n`);
    authorization = `Basic ${Buffer.from(`${username}:${password}`).toString(
      'base64',
    )}`;
  }

  const storagePath = path.join(root, 'storage');
  // Another process may take the port between the probe and the bind; try again then.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const configPath = path.join(root, 'config.yml');
    await fs.writeFile(
      configPath,
      registryConfig({
        storage: storagePath,
        port,
        htpasswdPath,
        notifications: options.notifications,
      }),
    );
    const child = spawn(REGISTRY_BINARY, ['serve', configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: root },
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const exited = new Promise<void>(resolve =>
      child.once('exit', () => resolve()),
    );
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilServing(url, child, () => output);
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      if (attempt < 3 && /address already in use/.test(output)) {
        continue;
      }
      await fs.rm(root, { recursive: true, force: true });
      throw error;
    }
    return {
      host: `127.0.0.1:${port}`,
      url,
      authorization,
      storagePath,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
        await fs.rm(root, { recursive: true, force: true });
      },
    };
  }
}

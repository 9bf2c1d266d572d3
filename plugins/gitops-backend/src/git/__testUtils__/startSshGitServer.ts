import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generateSshKeyPair } from './sshKeys';

const SSHD = '/usr/sbin/sshd';
const READY_TIMEOUT_MS = 10_000;

export type SshGitServer = {
  /** `ssh://<user>@127.0.0.1:<port><root>/repo.git` */
  url: string;
  port: number;
  /** The client key that the server accepts (unencrypted OpenSSH format). */
  privateKey: string;
  /** One known_hosts line for the server: `[127.0.0.1]:<port> ssh-ed25519 ...` */
  knownHosts: string;
  stop(): Promise<void>;
};

/**
 * A real OpenSSH server for tests: `sshd -D -e` on a free loopback port,
 * running as the current user with a fresh host key and one authorised
 * client key, serving the git repositories under `root` (git-upload-pack
 * and git-receive-pack run through the user's login shell, as on any host).
 * Fails, never skips, when openssh-server is not installed.
 */
export async function startSshGitServer(options: {
  root: string;
}): Promise<SshGitServer> {
  if (!(await isExecutable(SSHD))) {
    throw new Error(
      `${SSHD} is missing: the SSH git tests need openssh-server (apt-get install openssh-server)`,
    );
  }
  // sshd refuses to start without its privilege separation directory.
  await fs.mkdir('/run/sshd', { recursive: true, mode: 0o755 }).catch(() => {});

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-test-sshd-'));
  const hostKeyFile = path.join(dir, 'host_ed25519');
  const hostKey = await generateSshKeyPair('gitops-test-host');
  await fs.writeFile(hostKeyFile, hostKey.privateKey, { mode: 0o600 });
  const client = await generateSshKeyPair('gitops-test-client');
  const authorizedKeys = path.join(dir, 'authorized_keys');
  await fs.writeFile(authorizedKeys, `${client.publicKey}\n`, { mode: 0o600 });

  const port = await freePort();
  const user = os.userInfo().username;
  const config = path.join(dir, 'sshd_config');
  await fs.writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyFile}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      `AllowUsers ${user}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'PrintMotd no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );

  const sshd = spawn(SSHD, ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  sshd.stderr!.on('data', chunk => {
    log += chunk;
  });
  const exited = new Promise<void>(resolve =>
    sshd.once('exit', () => resolve()),
  );

  try {
    await waitForBanner(port, sshd, () => log);
  } catch (error) {
    await stopProcess(sshd, exited);
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }

  const hostPublic = hostKey.publicKey.split(' ').slice(0, 2).join(' ');
  return {
    url: `ssh://${user}@127.0.0.1:${port}${path.resolve(
      options.root,
    )}/repo.git`,
    port,
    privateKey: client.privateKey,
    knownHosts: `[127.0.0.1]:${port} ${hostPublic}`,
    async stop() {
      await stopProcess(sshd, exited);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

async function isExecutable(file: string): Promise<boolean> {
  return fs.access(file, fs.constants.X_OK).then(
    () => true,
    () => false,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the port answers with an SSH banner; rejects if sshd exits first. */
async function waitForBanner(
  port: number,
  sshd: ChildProcess,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (sshd.exitCode !== null || sshd.signalCode !== null) {
      throw new Error(`sshd exited while starting: ${log()}`);
    }
    if (await answersWithBanner(port)) return;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  throw new Error(
    `sshd did not answer on port ${port} within ${READY_TIMEOUT_MS} ms: ${log()}`,
  );
}

function answersWithBanner(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', chunk =>
      done(chunk.toString('latin1').startsWith('SSH-')),
    );
  });
}

async function stopProcess(
  child: ChildProcess,
  exited: Promise<void>,
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
  }
  await exited;
}

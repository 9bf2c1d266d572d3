import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { CliGitRepository } from './CliGitRepository';
import { GitCommandError } from './GitCommandError';
import { GitAuth } from './types';
import { createTestRemote, TestRemote } from './__testUtils__/createTestRemote';
import { runTestGit } from './__testUtils__/runTestGit';
import {
  HttpGitServer,
  startHttpGitServer,
} from './__testUtils__/startHttpGitServer';

jest.setTimeout(30_000);

const TOKEN = 'ghp_SuperSecretToken1234567890';
const basic = (token: string) =>
  Buffer.from(`x-access-token:${token}`).toString('base64');

/** Command lines of every process on the machine holding `needle`, as `ps` would show them. */
async function processArgumentsContaining(needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const pid of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await fs
      .readFile(`/proc/${pid}/cmdline`)
      .catch(() => Buffer.alloc(0));
    if (cmdline.includes(needle))
      hits.push(cmdline.toString('utf8').replace(/\0/g, ' '));
  }
  return hits;
}

/** Every file under `dir` whose bytes contain `needle`. */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await fs.readdir(dir, {
    withFileTypes: true,
    recursive: true,
  })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if ((await fs.readFile(file)).includes(needle)) hits.push(file);
  }
  return hits;
}

describe('CliGitRepository over smart HTTP with a token', () => {
  let remote: TestRemote;
  let server: HttpGitServer;
  let workDir: string;
  const logger = mockServices.logger.mock();
  // Filled by the server while a client request is in flight.
  let seenWhileFetching:
    | { token: string[]; base64: string[]; gitFetch: string[] }
    | undefined;

  const open = (auth: GitAuth, url = server.url) =>
    CliGitRepository.create({
      id: 'config',
      remote: { url, branch: remote.branch, auth },
      workDir,
      logger,
    });

  beforeEach(async () => {
    remote = await createTestRemote();
    seenWhileFetching = undefined;
    server = await startHttpGitServer({
      root: remote.root,
      token: TOKEN,
      onAuthorizedRequest: async () => {
        seenWhileFetching ??= {
          token: await processArgumentsContaining(TOKEN),
          base64: await processArgumentsContaining(basic(TOKEN)),
          gitFetch: await processArgumentsContaining(server.url),
        };
      },
    });
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-test-work-'));
    jest.clearAllMocks();
  });

  afterEach(async () => {
    await server.stop();
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('fetches with a token that never shows in process arguments, config or the mirror', async () => {
    const head = await remote.commit({ 'releases/dev/a.yaml': 'a: 1\n' });
    const git = open({ type: 'token', token: TOKEN });

    await expect(git.fetch()).resolves.toBe(head);
    await expect(git.readFiles(head, ['releases/dev/a.yaml'])).resolves.toEqual(
      new Map([['releases/dev/a.yaml', Buffer.from('a: 1\n')]]),
    );

    // The scan ran while git was talking to the server: it saw the fetch itself.
    expect(seenWhileFetching?.gitFetch.length).toBeGreaterThan(0);
    expect(seenWhileFetching?.token).toEqual([]);
    expect(seenWhileFetching?.base64).toEqual([]);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every(request => request.authorized)).toBe(true);

    const mirror = path.join(workDir, 'config');
    await expect(filesContaining(mirror, TOKEN)).resolves.toEqual([]);
    await expect(filesContaining(mirror, basic(TOKEN))).resolves.toEqual([]);
    expect(JSON.stringify(logger.info.mock.calls)).not.toContain(TOKEN);
  });

  it('sends a custom username with the token', async () => {
    const head = await remote.commit({ 'a.yaml': 'a' });
    const git = open({ type: 'token', username: 'deploy-bot', token: TOKEN });
    await expect(git.fetch()).resolves.toBe(head);
  });

  it('reports a wrong token as an authentication failure without the token', async () => {
    await remote.commit({ 'a.yaml': 'a' });
    const wrong = 'ghp_WrongTokenWrongToken000000';
    const error = await open({ type: 'token', token: wrong })
      .fetch()
      .catch(e => e);

    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.kind).toBe('authentication');
    expect(error.message).toContain('the remote rejected the credentials');
    expect(error.message).toContain(server.url);
    for (const text of [error.message, error.stderr, String(error.stack)]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(basic(wrong));
    }
    expect(server.requests.some(request => !request.authorized)).toBe(true);
  });

  it('reports missing credentials as an authentication failure', async () => {
    await remote.commit({ 'a.yaml': 'a' });
    await expect(open({ type: 'none' }).fetch()).rejects.toMatchObject({
      kind: 'authentication',
    });
  });

  it('reports a closed port as an unreachable remote', async () => {
    const probe = net.createServer();
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise(resolve => probe.close(resolve));

    const error = await open(
      { type: 'token', token: TOKEN },
      `http://127.0.0.1:${port}/repo.git`,
    )
      .fetch()
      .catch(e => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(
      /the remote could not be reached: .*Failed to connect to 127.0.0.1 port/,
    );
    expect(error.message).not.toContain(TOKEN);
  });

  it('serves pushes too, for tests that commit through a client', async () => {
    await remote.commit({ 'a.yaml': 'a' });
    const clone = path.join(workDir, 'clone');
    const auth = {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic(TOKEN)}`,
    };
    await runTestGit(['clone', '--quiet', server.url, clone], { env: auth });
    await fs.writeFile(path.join(clone, 'b.yaml'), 'b');
    await runTestGit(['-C', clone, 'add', 'b.yaml']);
    await runTestGit([
      '-C',
      clone,
      '-c',
      'user.name=Bot',
      '-c',
      'user.email=bot@example.com',
      'commit',
      '-qm',
      'add b',
    ]);
    await runTestGit(['-C', clone, 'push', '--quiet', 'origin', 'HEAD:main'], {
      env: auth,
    });

    const pushed = await runTestGit(['-C', clone, 'rev-parse', 'HEAD']);
    await expect(remote.head()).resolves.toBe(pushed);
  });
});

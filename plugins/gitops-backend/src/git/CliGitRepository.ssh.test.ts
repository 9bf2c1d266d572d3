import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { CliGitRepository } from './CliGitRepository';
import { GitCommandError } from './GitCommandError';
import { GitAuth } from './types';
import { createTestRemote, TestRemote } from './__testUtils__/createTestRemote';
import { generateSshKeyPair } from './__testUtils__/sshKeys';
import {
  SshGitServer,
  startSshGitServer,
} from './__testUtils__/startSshGitServer';

jest.setTimeout(30_000);

/** Temp directories holding an SSH key for git, which must not outlive a fetch. */
async function sshKeyDirectories(): Promise<string[]> {
  return (await fs.readdir(os.tmpdir())).filter(name =>
    name.startsWith('gitops-git-ssh-'),
  );
}

describe('CliGitRepository over SSH with a deploy key', () => {
  let remote: TestRemote;
  let server: SshGitServer;
  let workDir: string;
  const logger = mockServices.logger.mock();

  // One sshd for the file; each test gets a fresh repository under the same root.
  beforeAll(async () => {
    remote = await createTestRemote();
    server = await startSshGitServer({ root: remote.root });
  });

  afterAll(async () => {
    await server?.stop();
    await remote?.remove();
  });

  beforeEach(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-test-work-'));
  });

  afterEach(async () => {
    await fs.rm(workDir, { recursive: true, force: true });
  });

  const open = (
    auth: Partial<Extract<GitAuth, { type: 'ssh' }>> = {},
    url = server.url,
  ) =>
    CliGitRepository.create({
      id: 'config',
      remote: {
        url,
        branch: remote.branch,
        auth: {
          type: 'ssh',
          privateKey: server.privateKey,
          knownHosts: server.knownHosts,
          ...auth,
        },
      },
      workDir,
      logger,
    });

  it('fetches with the deploy key and removes the key file afterwards', async () => {
    const first = await remote.commit({ 'releases/dev/a.yaml': 'a: 1\n' });
    const keyDirsBefore = await sshKeyDirectories();
    const git = open();

    await expect(git.fetch()).resolves.toBe(first);
    const second = await remote.commit({ 'releases/dev/a.yaml': 'a: 2\n' });
    await expect(git.fetch()).resolves.toBe(second);
    await expect(git.diff(first, second)).resolves.toEqual([
      { status: 'M', path: 'releases/dev/a.yaml' },
    ]);

    await expect(sshKeyDirectories()).resolves.toEqual(keyDirsBefore);
    await expect(
      fs.readFile(path.join(workDir, 'config', 'config'), 'utf8'),
    ).resolves.not.toContain('PRIVATE KEY');
  });

  it('accepts a key pasted with CRLF line endings and no final newline', async () => {
    const head = await remote.commit({ 'a.yaml': 'a' });
    const pasted = server.privateKey.trim().replace(/\n/g, '\r\n');
    await expect(open({ privateKey: pasted }).fetch()).resolves.toBe(head);
  });

  it('reports a key the server does not accept as a permission failure without key material', async () => {
    await remote.commit({ 'a.yaml': 'a' });
    const stranger = await generateSshKeyPair();
    const keyDirsBefore = await sshKeyDirectories();

    const error = await open({ privateKey: stranger.privateKey })
      .fetch()
      .catch(e => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.kind).toBe('authentication');
    expect(error.message).toContain('Permission denied (publickey)');
    const keyBody = stranger.privateKey
      .split('\n')
      .filter(line => line.length > 20);
    for (const text of [error.message, error.stderr, String(error.stack)]) {
      expect(text).not.toContain('PRIVATE KEY');
      keyBody.forEach(line => expect(text).not.toContain(line));
    }
    await expect(sshKeyDirectories()).resolves.toEqual(keyDirsBefore);
  });

  it('refuses a server whose host key is not in known_hosts', async () => {
    await remote.commit({ 'a.yaml': 'a' });
    const other = await generateSshKeyPair();
    const knownHosts = `[127.0.0.1]:${server.port} ${other.publicKey
      .split(' ')
      .slice(0, 2)
      .join(' ')}`;

    const error = await open({ knownHosts })
      .fetch()
      .catch(e => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.kind).toBe('host-key');
    expect(error.message).toContain('host key does not match known_hosts');
  });

  it('reports a closed port as an unreachable remote', async () => {
    const probe = net.createServer();
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise(resolve => probe.close(resolve));

    const url = server.url.replace(`:${server.port}/`, `:${port}/`);
    const error = await open({}, url)
      .fetch()
      .catch(e => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain('Connection refused');
  });
});

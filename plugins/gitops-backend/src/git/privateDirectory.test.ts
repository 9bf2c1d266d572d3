import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  assertOwnDirectory,
  defaultMirrorsDirectory,
  ensurePrivateDirectory,
  mirrorsDirectory,
} from './privateDirectory';

describe('private mirror directories', () => {
  let root: string;
  const uid = process.getuid!();

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-private-'));
  });
  afterEach(async () => {
    await fs.chmod(root, 0o700).catch(() => {});
    await fs.rm(root, { recursive: true, force: true });
  });

  it('defaults to a folder of the user, not the shared temp folder', () => {
    const directory = defaultMirrorsDirectory();
    expect(directory.startsWith(os.tmpdir())).toBe(false);
    expect(
      directory.startsWith(process.env.XDG_CACHE_HOME || os.homedir()),
    ).toBe(true);
    expect(mirrorsDirectory(undefined)).toBe(directory);
    expect(mirrorsDirectory('/var/lib/backstage')).toBe(
      '/var/lib/backstage/backstage-gitops',
    );
  });

  it('creates missing folders with mode 0700 and accepts its own again', async () => {
    const directory = path.join(root, 'cache', 'backstage-gitops');
    await ensurePrivateDirectory(directory);
    expect((await fs.stat(directory)).mode & 0o777).toBe(0o700);
    expect((await fs.stat(path.dirname(directory))).mode & 0o777).toBe(0o700);
    await expect(ensurePrivateDirectory(directory)).resolves.toBeUndefined();
  });

  it('accepts a folder in a sticky shared parent such as /tmp, which others cannot swap', async () => {
    await fs.chmod(root, 0o1777);
    await expect(
      ensurePrivateDirectory(path.join(root, 'mirrors')),
    ).resolves.toBeUndefined();
  });

  it('refuses a folder another user owns, as planted in a shared parent', async () => {
    const directory = path.join(root, 'mirrors');
    await fs.mkdir(directory, { mode: 0o700 });
    // Checked against another uid: the same as the folder being someone else's.
    await expect(assertOwnDirectory(directory, uid + 1)).rejects.toThrow(
      `Refusing to use ${directory} for git mirrors: it is owned by uid ${uid}, not by this process (uid ${
        uid + 1
      })`,
    );
  });

  it('refuses a folder others may write to, and does not loosen or repair it', async () => {
    const directory = path.join(root, 'mirrors');
    await fs.mkdir(directory);
    await fs.chmod(directory, 0o775);
    await expect(ensurePrivateDirectory(directory)).rejects.toThrow(
      /others may write to it \(mode 0775\)/,
    );
    expect((await fs.stat(directory)).mode & 0o777).toBe(0o775);
  });

  it('refuses a link in place of the folder', async () => {
    const elsewhere = path.join(root, 'elsewhere');
    await fs.mkdir(elsewhere, { mode: 0o700 });
    const link = path.join(root, 'mirrors');
    await fs.symlink(elsewhere, link);
    await expect(assertOwnDirectory(link)).rejects.toThrow(
      /not a directory \(a link or a file\)/,
    );
  });

  it('refuses a folder whose parent others may write to without the sticky bit', async () => {
    await fs.chmod(root, 0o777);
    await expect(
      ensurePrivateDirectory(path.join(root, 'mirrors')),
    ).rejects.toThrow(
      `Refusing to use ${root} for git mirrors: others may write to it (mode 0777) and could replace mirrors`,
    );
  });
});

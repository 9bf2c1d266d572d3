import { NotAllowedError } from '@backstage/errors';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

/**
 * Where the git mirrors live unless `backend.workingDirectory` says: a
 * folder of the user the backend runs as, never a shared temp folder where
 * another user could plant a mirror (with hooks or a config of their own)
 * before the backend creates it.
 */
export function defaultMirrorsDirectory(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'backstage-gitops');
}

/** The folder of the git mirrors: `backstage-gitops` in `backend.workingDirectory` when set. */
export function mirrorsDirectory(workingDirectory: string | undefined): string {
  return workingDirectory
    ? path.join(workingDirectory, 'backstage-gitops')
    : defaultMirrorsDirectory();
}

/** The uid that must own what the mirrors use; undefined where there are no uids (Windows). */
const ownUid = (): number | undefined => process.getuid?.();

/**
 * Creates `directory` (and missing parents) with mode 0700 and checks it is
 * this process's own: owned by its uid and writable by nobody else. Its
 * parent must not let others swap it: owned by this uid or root, and not
 * writable by others unless sticky (as /tmp is). Anything else is refused,
 * never repaired: it may already hold someone else's content.
 */
export async function ensurePrivateDirectory(
  directory: string,
  uid: number | undefined = ownUid(),
): Promise<void> {
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  await assertOwnDirectory(directory, uid);
  if (uid === undefined) return;
  const parent = path.dirname(directory);
  const stat = await fs.stat(parent);
  if (stat.uid !== uid && stat.uid !== 0) {
    throw notOurs(parent, `it is owned by uid ${stat.uid}, not ${uid} or root`);
  }
  if (stat.mode & GROUP_OR_OTHER_WRITE && !(stat.mode & STICKY)) {
    throw notOurs(
      parent,
      `others may write to it (mode ${modeOf(
        stat.mode,
      )}) and could replace ${path.basename(directory)}`,
    );
  }
}

/**
 * Checks an existing directory (a mirror, or the folder of mirrors) is this
 * process's own: a real directory, not a link, owned by its uid, with no
 * group or other write bit. git runs the hooks and honours the config it
 * finds there, so one planted by another user would run as the backend.
 */
export async function assertOwnDirectory(
  directory: string,
  uid: number | undefined = ownUid(),
): Promise<void> {
  const stat = await fs.lstat(directory);
  if (!stat.isDirectory()) {
    throw notOurs(directory, 'it is not a directory (a link or a file)');
  }
  if (uid === undefined) return;
  if (stat.uid !== uid) {
    throw notOurs(
      directory,
      `it is owned by uid ${stat.uid}, not by this process (uid ${uid})`,
    );
  }
  if (stat.mode & GROUP_OR_OTHER_WRITE) {
    throw notOurs(
      directory,
      `others may write to it (mode ${modeOf(stat.mode)})`,
    );
  }
}

function modeOf(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function notOurs(directory: string, why: string): NotAllowedError {
  return new NotAllowedError(
    `Refusing to use ${directory} for git mirrors: ${why}. Remove it or point backend.workingDirectory at a folder of this user`,
  );
}

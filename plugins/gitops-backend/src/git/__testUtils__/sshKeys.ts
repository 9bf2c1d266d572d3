import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A fresh unencrypted ed25519 key pair from ssh-keygen; `publicKey` is one authorized_keys line. */
export async function generateSshKeyPair(
  comment = 'gitops-test',
): Promise<{ privateKey: string; publicKey: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-test-key-'));
  try {
    const file = path.join(dir, 'key');
    await execFileAsync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      comment,
      '-f',
      file,
    ]);
    return {
      privateKey: await fs.readFile(file, 'utf8'),
      publicKey: (await fs.readFile(`${file}.pub`, 'utf8')).trim(),
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

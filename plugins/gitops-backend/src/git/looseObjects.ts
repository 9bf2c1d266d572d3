import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { GitFileTooLarge } from './types';

/** Enough of a loose object's deflated start to hold its `<type> <size>\0` header. */
const HEADER_READ_BYTES = 1024;
const BLOB_HEADER = /^blob (\d{1,15})\0/;

/**
 * A blob the mirror keeps as a loose object (`objects/xx/yyyy…`, deflated
 * `blob <size>\0<content>`), read without a git process: a fetch of a few
 * commits unpacks what it brings into loose objects, so the files an
 * incremental sync reads usually are. Undefined when the object is not
 * loose (packed: ask git), not a blob, or does not read cleanly.
 */
export async function readLooseBlob(
  gitDirectory: string,
  sha: string,
  maxBytes: number,
): Promise<Buffer | GitFileTooLarge | undefined> {
  if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
  const file = path.join(
    gitDirectory,
    'objects',
    sha.slice(0, 2),
    sha.slice(2),
  );
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    return undefined; // packed, or removed by gc meanwhile
  }
  try {
    const start = Buffer.alloc(HEADER_READ_BYTES);
    const { bytesRead } = await handle.read(start, 0, HEADER_READ_BYTES, 0);
    const header = BLOB_HEADER.exec(
      zlib
        .inflateSync(start.subarray(0, bytesRead), {
          finishFlush: zlib.constants.Z_SYNC_FLUSH,
        })
        .subarray(0, 32)
        .toString('latin1'),
    );
    if (!header) return undefined;
    const size = Number(header[1]);
    if (size > maxBytes) return { tooLarge: size };
    const { size: fileSize } = await handle.stat();
    const deflated = Buffer.alloc(fileSize);
    await handle.read(deflated, 0, fileSize, 0);
    const whole = zlib.inflateSync(deflated, {
      maxOutputLength: header[0].length + size + 1,
    });
    if (whole.length !== header[0].length + size) return undefined;
    return whole.subarray(header[0].length);
  } catch {
    return undefined; // truncated or corrupt: git says what it is
  } finally {
    await handle.close();
  }
}

import { ConflictError } from '@backstage/errors';

// ignoreBOM keeps a byte order mark in the text, so it is written back.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The text of a file the writers edit. Valid UTF-8 decodes and encodes back
 * byte for byte, so every byte outside the edited spans survives; a file
 * that is not valid UTF-8 is refused, since lenient decoding would write
 * U+FFFD over bytes nobody asked to change (git sync reports such a file as
 * not reading cleanly, so it waits for a fix there too).
 */
export function decodeUtf8File(path: string, bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new ConflictError(
      `${path} is not valid UTF-8; nothing was rewritten, so its other bytes are not replaced`,
    );
  }
}

import { randomBytes } from 'node:crypto';

/*
 * bcrypt, for the htpasswd file of the test registry: distribution only
 * accepts bcrypt entries, and neither `htpasswd` (apache2-utils) nor a bcrypt
 * package can be counted on where the tests run. Test-only: it is neither
 * constant-time nor tuned.
 */

const ALPHABET =
  './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const P_WORDS = 18;
const S_WORDS = 4 * 256;
// "OrpheanBeholderScryDoubt", the text bcrypt encrypts 64 times.
const MAGIC = Buffer.from('OrpheanBeholderScryDoubt', 'latin1');

let initialWords: Uint32Array | undefined;

/**
 * Blowfish's initial P-array and S-boxes are the hexadecimal digits of pi's
 * fraction, in order; computing them (Machin's formula, a few ms) spares
 * four kilobytes of constants.
 */
function blowfishInitialWords(): Uint32Array {
  if (initialWords) {
    return initialWords;
  }
  const count = P_WORDS + S_WORDS;
  const guard = 64n;
  const bits = BigInt(count * 32) + guard;
  const one = 1n << bits;
  const arctanOfInverse = (x: bigint) => {
    const xSquared = x * x;
    let power = one / x;
    let sum = 0n;
    for (let n = 1n, positive = true; power !== 0n; n += 2n) {
      sum += positive ? power / n : -(power / n);
      power /= xSquared;
      positive = !positive;
    }
    return sum;
  };
  const pi = 16n * arctanOfInverse(5n) - 4n * arctanOfInverse(239n);
  let fraction = (pi - 3n * one) >> guard;
  const words = new Uint32Array(count);
  for (let i = count - 1; i >= 0; i--) {
    words[i] = Number(fraction & 0xffffffffn);
    fraction >>= 32n;
  }
  initialWords = words;
  return words;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array;

  constructor() {
    const words = blowfishInitialWords();
    this.p = words.slice(0, P_WORDS);
    this.s = words.slice(P_WORDS);
  }

  private f(x: number): number {
    const s = this.s;
    return (
      (((s[x >>> 24] + s[256 + ((x >>> 16) & 0xff)]) ^
        s[512 + ((x >>> 8) & 0xff)]) +
        s[768 + (x & 0xff)]) >>>
      0
    );
  }

  /** Encrypts the block (l, r) in place at `block[at]`, `block[at + 1]`. */
  encrypt(block: Uint32Array, at: number): void {
    const p = this.p;
    let l = block[at];
    let r = block[at + 1];
    for (let i = 0; i < 16; i += 2) {
      l ^= p[i];
      r ^= this.f(l);
      r ^= p[i + 1];
      l ^= this.f(r);
    }
    block[at] = (r ^ p[17]) >>> 0;
    block[at + 1] = (l ^ p[16]) >>> 0;
  }

  /** The eksblowfish key schedule step, with or without salt. */
  expand(key: Buffer, salt?: Buffer): void {
    const keyStream = cyclicWords(key);
    for (let i = 0; i < P_WORDS; i++) {
      this.p[i] = (this.p[i] ^ keyStream()) >>> 0;
    }
    const saltStream = salt ? cyclicWords(salt) : () => 0;
    const block = new Uint32Array(2);
    const fill = (target: Uint32Array) => {
      for (let i = 0; i < target.length; i += 2) {
        block[0] ^= saltStream();
        block[1] ^= saltStream();
        this.encrypt(block, 0);
        target[i] = block[0];
        target[i + 1] = block[1];
      }
    };
    fill(this.p);
    fill(this.s);
  }
}

/** Reads big-endian 32-bit words from `data`, wrapping around at its end. */
function cyclicWords(data: Buffer): () => number {
  let at = 0;
  return () => {
    let word = 0;
    for (let i = 0; i < 4; i++) {
      word = (word << 8) | data[at];
      at = (at + 1) % data.length;
    }
    return word >>> 0;
  };
}

function encode(data: Buffer): string {
  let out = '';
  for (let i = 0; i < data.length; i += 3) {
    const a = data[i];
    const b = i + 1 < data.length ? data[i + 1] : undefined;
    const c = i + 2 < data.length ? data[i + 2] : undefined;
    out += ALPHABET[a >> 2];
    out += ALPHABET[((a & 0x03) << 4) | ((b ?? 0) >> 4)];
    if (b === undefined) break;
    out += ALPHABET[((b & 0x0f) << 2) | ((c ?? 0) >> 6)];
    if (c === undefined) break;
    out += ALPHABET[c & 0x3f];
  }
  return out;
}

function decode(text: string, length: number): Buffer {
  let bits = 0;
  let bitCount = 0;
  const out: number[] = [];
  for (const char of text) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) {
      throw new Error(`"${char}" is not a bcrypt base64 character`);
    }
    bits = (bits << 6) | value;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      out.push((bits >> bitCount) & 0xff);
    }
    if (out.length === length) break;
  }
  return Buffer.from(out);
}

/**
 * A `$2b$` bcrypt hash of `password`, as an htpasswd file holds it. `salt`
 * (22 bcrypt-base64 characters) is random unless given, for known-answer tests.
 */
export function bcryptHash(
  password: string,
  options: { cost?: number; salt?: string } = {},
): string {
  const cost = options.cost ?? 4;
  if (!Number.isInteger(cost) || cost < 4 || cost > 16) {
    throw new Error(`bcrypt cost must be an integer from 4 to 16, got ${cost}`);
  }
  const saltText = options.salt ?? encode(randomBytes(16));
  const salt = decode(saltText, 16);
  // The key is the password with its NUL terminator, at most 72 bytes.
  const key = Buffer.concat([
    Buffer.from(password, 'utf8'),
    Buffer.alloc(1),
  ]).subarray(0, 72);

  const cipher = new Blowfish();
  cipher.expand(key, salt);
  for (let round = 0; round < 2 ** cost; round++) {
    cipher.expand(key);
    cipher.expand(salt);
  }
  const text = new Uint32Array(6);
  for (let i = 0; i < 6; i++) {
    text[i] = MAGIC.readUInt32BE(i * 4);
  }
  for (let round = 0; round < 64; round++) {
    for (let i = 0; i < 6; i += 2) {
      cipher.encrypt(text, i);
    }
  }
  const digest = Buffer.alloc(24);
  text.forEach((word, i) => digest.writeUInt32BE(word, i * 4));
  const costText = String(cost).padStart(2, '0');
  return `$2b$${costText}$${encode(salt)}${encode(digest.subarray(0, 23))}`;
}

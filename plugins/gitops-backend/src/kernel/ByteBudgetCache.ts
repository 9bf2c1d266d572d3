/**
 * How a cache weighs one entry, in bytes. It need not be exact, only cheap
 * and roughly proportional to what the entry keeps alive (see `approxBytes`).
 */
export type SizeOf<K, V> = (key: K, value: V) => number;

export interface ByteBudgetCacheOptions<K, V> {
  /** The most bytes the entries may weigh together; 0 keeps nothing. */
  maxBytes: number;
  sizeOf: SizeOf<K, V>;
  /** Entries older than this are treated as absent. */
  ttlMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  bytes: number;
  storedAt: number;
}

/**
 * A least-recently-used map bounded by the bytes of what it holds rather than
 * by a count, so a few large entries cannot outgrow the budget that many
 * small ones fit in. An entry larger than the whole budget is not kept.
 */
export class ByteBudgetCache<K, V> {
  readonly maxBytes: number;
  private readonly sizeOf: SizeOf<K, V>;
  private readonly ttlMs?: number;
  private readonly now: () => number;
  // A Map iterates in insertion order; re-inserting on a hit keeps the least
  // recently used entry first, which is the one to evict.
  private readonly entries = new Map<K, Entry<V>>();
  private totalBytes = 0;
  private evictedCount = 0;

  constructor(options: ByteBudgetCacheOptions<K, V>) {
    if (!Number.isFinite(options.maxBytes) || options.maxBytes < 0) {
      throw new RangeError(
        `Cache budget must be a non-negative number of bytes, got ${options.maxBytes}`,
      );
    }
    if (
      options.ttlMs !== undefined &&
      (!Number.isFinite(options.ttlMs) || options.ttlMs <= 0)
    ) {
      throw new RangeError(
        `Cache ttlMs must be a positive number, got ${options.ttlMs}`,
      );
    }
    this.maxBytes = Math.floor(options.maxBytes);
    this.sizeOf = options.sizeOf;
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
  }

  /** The bytes the entries weigh together, as `sizeOf` told them. */
  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** How many entries were dropped to stay within the budget so far. */
  get evictions(): number {
    return this.evictedCount;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.isExpired(entry)) {
      this.remove(key, entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: K): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    if (this.isExpired(entry)) {
      this.remove(key, entry);
      return false;
    }
    return true;
  }

  /**
   * Stores the value as the most recently used entry and evicts the least
   * recently used ones until the budget holds. Returns whether it was kept.
   */
  set(key: K, value: V): boolean {
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    const bytes = Math.max(0, Math.ceil(this.sizeOf(key, value)) || 0);
    if (bytes > this.maxBytes) return false;
    this.entries.set(key, { value, bytes, storedAt: this.now() });
    this.totalBytes += bytes;
    this.evictOver(this.maxBytes);
    return true;
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.remove(key, entry);
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }

  /** The keys from least to most recently used, expired ones included. */
  keys(): IterableIterator<K> {
    return this.entries.keys();
  }

  private isExpired(entry: Entry<V>): boolean {
    return (
      this.ttlMs !== undefined && this.now() - entry.storedAt >= this.ttlMs
    );
  }

  private remove(key: K, entry: Entry<V>): void {
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }

  private evictOver(limit: number): void {
    for (const [key, entry] of this.entries) {
      if (this.totalBytes <= limit) return;
      this.remove(key, entry);
      this.evictedCount++;
    }
  }
}

/**
 * A cheap estimate of what a value keeps alive: two bytes per string
 * character (V8 may store one, but two is the safe side), eight per number,
 * plus a small overhead per object and per property. Walks at most `depth`
 * levels and counts anything deeper as 64 bytes, so weighing stays cheap for
 * the small records caches hold; weigh large texts by their length instead.
 */
export function approxBytes(value: unknown, depth = 4): number {
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
    case 'undefined':
      return 4;
    case 'object': {
      if (value === null) return 4;
      if (depth <= 0) return 64;
      if (ArrayBuffer.isView(value)) return 64 + value.byteLength;
      let bytes = 32;
      if (Array.isArray(value)) {
        for (const item of value) bytes += 8 + approxBytes(item, depth - 1);
        return bytes;
      }
      if (value instanceof Map) {
        for (const [k, v] of value) {
          bytes += 24 + approxBytes(k, depth - 1) + approxBytes(v, depth - 1);
        }
        return bytes;
      }
      if (value instanceof Set) {
        for (const item of value) bytes += 16 + approxBytes(item, depth - 1);
        return bytes;
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        bytes += 8 + k.length * 2 + approxBytes(v, depth - 1);
      }
      return bytes;
    }
    default:
      return 16;
  }
}

/** Mebibytes from config to bytes; negative or absent values take the default. */
export function mibToBytes(
  mib: number | undefined,
  defaultMib: number,
): number {
  const value =
    mib === undefined || !Number.isFinite(mib) || mib < 0 ? defaultMib : mib;
  return Math.floor(value * 1024 * 1024);
}

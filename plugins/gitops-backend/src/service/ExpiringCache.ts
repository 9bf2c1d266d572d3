import { approxBytes, ByteBudgetCache } from '../kernel';

/** What one entry costs beyond its value: the key, the wrapper, the map slot. */
const ENTRY_OVERHEAD_BYTES = 64;

/**
 * An in-memory cache of answers that expire after `ttlMs`, held in a
 * {@link ByteBudgetCache} so it stays within `maxBytes` (least recently
 * used first out). Concurrent misses of one key share one load; a failed
 * load is not kept.
 */
export class ExpiringCache<T> {
  private readonly settled: ByteBudgetCache<
    string,
    { value: T; expiresAt: number }
  >;
  private readonly loading = new Map<string, Promise<T>>();
  private readonly now: () => number;

  constructor(
    private readonly options: {
      ttlMs: number;
      maxBytes: number;
      /** How long a value may be kept, when it should be less than `ttlMs` (a miss, say). */
      ttlOf?: (value: T) => number;
      /** The value's weight in bytes; `approxBytes` when not given. */
      sizeOf?: (value: T) => number;
      now?: () => number;
    },
  ) {
    this.now = options.now ?? Date.now;
    const sizeOf = options.sizeOf ?? ((value: T) => approxBytes(value));
    this.settled = new ByteBudgetCache({
      maxBytes: options.maxBytes,
      sizeOf: (key, entry) =>
        key.length * 2 + ENTRY_OVERHEAD_BYTES + sizeOf(entry.value),
      now: this.now,
    });
  }

  /** The cached value of `key`, else what `load` answers, kept for later. */
  async get(key: string, load: () => Promise<T>): Promise<T> {
    if (this.options.ttlMs <= 0) return load();
    const found = this.settled.get(key);
    if (found && found.expiresAt > this.now()) return found.value;
    if (found) this.settled.delete(key);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loaded = load();
    this.loading.set(key, loaded);
    try {
      const value = await loaded;
      const ttl = Math.min(
        this.options.ttlMs,
        this.options.ttlOf?.(value) ?? Infinity,
      );
      this.settled.set(key, { value, expiresAt: this.now() + ttl });
      return value;
    } finally {
      this.loading.delete(key);
    }
  }

  get size() {
    return this.settled.size;
  }

  get bytes() {
    return this.settled.bytes;
  }
}

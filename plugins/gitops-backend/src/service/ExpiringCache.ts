/**
 * A small in-memory cache whose entries expire after `ttlMs` and which
 * holds at most `maxEntries` (and, when given, about `maxBytes` by each
 * entry's stated size), dropping the oldest first. Concurrent misses of one
 * key share one load; a failed load is not kept.
 */
export class ExpiringCache<T> {
  private readonly entries = new Map<
    string,
    { value: Promise<T>; expiresAt: number; bytes: number }
  >();
  private bytes = 0;

  constructor(
    private readonly options: {
      ttlMs: number;
      maxEntries: number;
      maxBytes?: number;
      /** How long a value may be kept, when it should be less than `ttlMs` (a miss, say). */
      ttlOf?: (value: T) => number;
      sizeOf?: (value: T) => number;
      now?: () => number;
    },
  ) {}

  private now() {
    return (this.options.now ?? Date.now)();
  }

  /** The cached value of `key`, else what `load` answers, kept for later. */
  async get(key: string, load: () => Promise<T>): Promise<T> {
    if (this.options.ttlMs <= 0) return load();
    const found = this.entries.get(key);
    if (found && found.expiresAt > this.now()) return found.value;
    if (found) this.delete(key);
    const value = load();
    const entry = { value, expiresAt: this.now() + this.options.ttlMs, bytes: 0 };
    this.entries.set(key, entry);
    this.evict();
    try {
      const loaded = await value;
      if (this.entries.get(key) === entry) {
        const ttl = Math.min(this.options.ttlMs, this.options.ttlOf?.(loaded) ?? Infinity);
        entry.expiresAt = this.now() + ttl;
        entry.bytes = this.options.sizeOf?.(loaded) ?? 0;
        this.bytes += entry.bytes;
        this.evict();
      }
      return loaded;
    } catch (error) {
      if (this.entries.get(key) === entry) this.delete(key);
      throw error;
    }
  }

  get size() {
    return this.entries.size;
  }

  private delete(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.bytes -= entry.bytes;
    this.entries.delete(key);
  }

  private evict() {
    const { maxEntries, maxBytes } = this.options;
    // Maps keep insertion order: the first keys are the oldest.
    for (const key of this.entries.keys()) {
      const over =
        this.entries.size > maxEntries ||
        (maxBytes !== undefined && this.bytes > maxBytes);
      if (!over) break;
      this.delete(key);
    }
  }
}

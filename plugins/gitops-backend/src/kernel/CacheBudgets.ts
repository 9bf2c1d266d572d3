import { ByteBudgetCache, SizeOf } from './ByteBudgetCache';

/**
 * The plugin's in-memory caches, each with a byte budget of its own
 * (`gitops.caches.<name>MiB`). A budget holds per instance: one per cluster
 * for Helm revisions, one per repository for the git sync's caches, one per
 * registry host for tokens, one per process for image creation times.
 */
export const CACHE_BUDGETS_MIB = {
  /** Decoded Helm release Secrets, per cluster. */
  helmRevisions: 64,
  /** Parsed large kustomization files, per repository. */
  parsedFiles: 32,
  /** Image digest -> creation time, per process. */
  imageCreatedAt: 16,
  /** Which environment folders are overlays, per repository. */
  overlayFolders: 4,
  /** Registry bearer tokens per repository scope, per registry host. */
  registryTokens: 2,
} as const;

export type CacheName = keyof typeof CACHE_BUDGETS_MIB;

export const CACHE_NAMES = Object.keys(CACHE_BUDGETS_MIB) as CacheName[];

export type CacheFigures = {
  /** Bytes held, summed over the instances alive. */
  bytes: number;
  entries: number;
  /** Entries dropped to stay within budget since start. */
  evictions: number;
  /** Live instances, each bounded by `budgetBytes`. */
  instances: number;
  budgetBytes: number;
};

/**
 * Hands out the byte-bounded caches and remembers them (weakly, so a cache
 * dropped with its owner is not kept alive) to report what they hold.
 */
export class CacheBudgets {
  private budgets: Record<CacheName, number>;
  private readonly caches = new Map<
    CacheName,
    Set<WeakRef<ByteBudgetCache<unknown, unknown>>>
  >();

  constructor(budgetsMiB: Partial<Record<CacheName, number>> = {}) {
    this.budgets = CacheBudgets.toBytes(budgetsMiB);
  }

  /** Sets the budgets of caches created from now on, e.g. from config at startup. */
  configure(budgetsMiB: Partial<Record<CacheName, number>>): void {
    this.budgets = CacheBudgets.toBytes(budgetsMiB);
  }

  budgetBytes(name: CacheName): number {
    return this.budgets[name];
  }

  create<K, V>(
    name: CacheName,
    sizeOf: SizeOf<K, V>,
    options: { ttlMs?: number; maxBytes?: number } = {},
  ): ByteBudgetCache<K, V> {
    const cache = new ByteBudgetCache<K, V>({
      maxBytes: options.maxBytes ?? this.budgets[name],
      sizeOf,
      ttlMs: options.ttlMs,
    });
    let set = this.caches.get(name);
    if (!set) {
      set = new Set();
      this.caches.set(name, set);
    }
    set.add(new WeakRef(cache as ByteBudgetCache<unknown, unknown>));
    return cache;
  }

  /** What each cache holds now, by name. */
  report(): Record<CacheName, CacheFigures> {
    const result = {} as Record<CacheName, CacheFigures>;
    for (const name of CACHE_NAMES) {
      const figures: CacheFigures = {
        bytes: 0,
        entries: 0,
        evictions: 0,
        instances: 0,
        budgetBytes: this.budgets[name],
      };
      const set = this.caches.get(name);
      for (const ref of set ?? []) {
        const cache = ref.deref();
        if (!cache) {
          set!.delete(ref);
          continue;
        }
        figures.bytes += cache.bytes;
        figures.entries += cache.size;
        figures.evictions += cache.evictions;
        figures.instances++;
      }
      result[name] = figures;
    }
    return result;
  }

  /** Bytes held by every cache together. */
  totalBytes(): number {
    return Object.values(this.report()).reduce((sum, f) => sum + f.bytes, 0);
  }

  private static toBytes(
    budgetsMiB: Partial<Record<CacheName, number>>,
  ): Record<CacheName, number> {
    const result = {} as Record<CacheName, number>;
    for (const name of CACHE_NAMES) {
      const mib = budgetsMiB[name];
      const value =
        mib === undefined || !Number.isFinite(mib) || mib < 0
          ? CACHE_BUDGETS_MIB[name]
          : mib;
      result[name] = Math.floor(value * 1024 * 1024);
    }
    return result;
  }
}

/**
 * The process's budgets: the caches' owners take theirs from here unless
 * given others (tests), and the plugin sets them from config at startup,
 * before it creates the loops that own the caches.
 */
export const processCacheBudgets = new CacheBudgets();

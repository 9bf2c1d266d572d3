import { ByteBudgetCache, CacheBudgets, processCacheBudgets } from '../kernel';

// A Map entry, its key string and its value string, as V8 holds them.
const sizeOfEntry = (key: string, createdAt: string | null) =>
  64 + key.length * 2 + (createdAt === null ? 0 : 16 + createdAt.length * 2);

/**
 * Digest -> createdAt learned in this process, per registry host. Tags that
 * share a manifest or config (retags, one build under many tags) then cost
 * one manifest request instead of manifest + blob. `null` records "the
 * config has no created time", so that is not asked again either. Bounded
 * by the `imageCreatedAt` byte budget, least recently used first; what is
 * dropped is read again from the persistent cache or the registry.
 */
export class CreatedAtMemo {
  private readonly entries: ByteBudgetCache<string, string | null>;

  constructor(options: { budgets?: CacheBudgets; maxBytes?: number } = {}) {
    this.entries = (options.budgets ?? processCacheBudgets).create(
      'imageCreatedAt',
      sizeOfEntry,
      { maxBytes: options.maxBytes },
    );
  }

  get(host: string, digest: string): string | null | undefined {
    return this.entries.get(`${host}@${digest}`);
  }

  set(host: string, digest: string, createdAt: string | undefined): void {
    this.entries.set(`${host}@${digest}`, createdAt ?? null);
  }

  get bytes(): number {
    return this.entries.bytes;
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Digest -> createdAt learned in this process, per registry host. Tags that
 * share a manifest or config (retags, one build under many tags) then cost
 * one manifest request instead of manifest + blob. `null` records "the
 * config has no created time", so that is not asked again either.
 */
export class CreatedAtMemo {
  private readonly entries = new Map<string, string | null>();

  constructor(private readonly maxEntries = 200_000) {}

  get(host: string, digest: string): string | null | undefined {
    return this.entries.get(`${host}@${digest}`);
  }

  set(host: string, digest: string, createdAt: string | undefined): void {
    const key = `${host}@${digest}`;
    this.entries.delete(key);
    this.entries.set(key, createdAt ?? null);
    // Maps iterate in insertion order: drop the oldest beyond the bound.
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

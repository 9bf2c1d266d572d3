/**
 * Caps how many tasks run at once; the rest wait in arrival order. One per
 * registry or cluster keeps hundreds of requests from flooding it.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private head = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(
        `Semaphore limit must be a positive integer, got ${limit}`,
      );
    }
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise(resolve => this.waiting.push(resolve));
  }

  private release(): void {
    if (this.head < this.waiting.length) {
      // Hand the slot straight to the next waiter; `active` stays the same.
      const next = this.waiting[this.head];
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      next();
    } else {
      this.active--;
    }
  }
}

/**
 * Runs tasks one at a time per key, in arrival order, within this process.
 * Git serialises ref updates itself but fails (rather than waits) on a held
 * lock, and a first clone racing another is worse; one queue per repository
 * directory avoids both.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>(resolve => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.tails.set(key, tail);

    await previous;
    try {
      return await task();
    } finally {
      release();
      // Forget idle keys so the map does not grow with every repository ever seen.
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
      }
    }
  }

  /** Whether a task for the key is running or queued. */
  isBusy(key: string): boolean {
    return this.tails.has(key);
  }
}

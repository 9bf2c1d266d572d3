import { ExpiringCache } from './ExpiringCache';

describe('ExpiringCache', () => {
  let now = 0;
  const cache = (
    options: Partial<
      ConstructorParameters<typeof ExpiringCache<string>>[0]
    > = {},
  ) =>
    new ExpiringCache<string>({
      ttlMs: 1000,
      maxBytes: 10_000,
      now: () => now,
      ...options,
    });
  beforeEach(() => {
    now = 0;
  });

  it('keeps a value for its time, then loads it again', async () => {
    const values = cache();
    let loads = 0;
    const load = jest.fn(async (): Promise<string> => `v${++loads}`);
    expect(await values.get('a', load)).toBe('v1');
    now = 999;
    expect(await values.get('a', load)).toBe('v1');
    now = 2000;
    expect(await values.get('a', load)).toBe('v2');
  });

  it('shares one load between concurrent misses, and keeps no failure', async () => {
    const values = cache();
    const load = jest.fn(async () => 'v');
    await Promise.all([values.get('a', load), values.get('a', load)]);
    expect(load).toHaveBeenCalledTimes(1);
    await expect(
      values.get('b', async () => Promise.reject(new Error('down'))),
    ).rejects.toThrow('down');
    expect(await values.get('b', async () => 'up')).toBe('up');
  });

  it('holds at most maxBytes, dropping the least recently used', async () => {
    // Each entry weighs its key (2 bytes a character), 64 bytes of overhead and its value.
    const values = cache({
      maxBytes: 2 * (2 + 64 + 4) + 10,
      sizeOf: v => v.length,
    });
    await values.get('a', async () => 'aaaa');
    await values.get('b', async () => 'bbbb');
    await values.get('c', async () => 'cccc');
    expect(values.size).toBe(2);
    const load = jest.fn(async () => 'again');
    await values.get('a', load);
    expect(load).toHaveBeenCalled();
    expect(values.bytes).toBeLessThanOrEqual(2 * (2 + 64 + 4) + 10);
    await values.get('big', async () => 'x'.repeat(70));
    expect(values.size).toBe(1);
    // Larger than the whole budget: answered, never kept.
    const huge = jest.fn(async () => 'x'.repeat(1000));
    await values.get('huge', huge);
    await values.get('huge', huge);
    expect(huge).toHaveBeenCalledTimes(2);
  });

  it('keeps a value less long where ttlOf says so, and nothing at a ttl of 0', async () => {
    const short = cache({ ttlOf: v => (v === 'missing' ? 100 : Infinity) });
    await short.get('gone', async () => 'missing');
    now = 200;
    expect(await short.get('gone', async () => 'found')).toBe('found');
    const none = cache({ ttlMs: 0 });
    await none.get('a', async () => 'v1');
    expect(await none.get('a', async () => 'v2')).toBe('v2');
    expect(none.size).toBe(0);
  });
});

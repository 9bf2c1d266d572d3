import { approxBytes, ByteBudgetCache, mibToBytes } from './ByteBudgetCache';

const byLength = (_key: string, value: string) => value.length;

describe('ByteBudgetCache', () => {
  it('stays within its byte budget when fed more than it holds, and keeps the newest', () => {
    const cache = new ByteBudgetCache<string, string>({
      maxBytes: 1000,
      sizeOf: byLength,
    });
    for (let i = 0; i < 500; i++) {
      cache.set(`k${i}`, 'x'.repeat(10 + (i % 90)));
      expect(cache.bytes).toBeLessThanOrEqual(1000);
    }
    expect(cache.get('k499')).toBe('x'.repeat(10 + (499 % 90)));
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.evictions).toBeGreaterThan(0);
    const sum = [...cache.keys()].reduce(
      (total, key) => total + (cache.get(key)?.length ?? 0),
      0,
    );
    expect(sum).toBe(cache.bytes);
  });

  it('evicts the least recently used entry, counting a read as a use', () => {
    const cache = new ByteBudgetCache<string, string>({
      maxBytes: 30,
      sizeOf: byLength,
    });
    cache.set('a', 'a'.repeat(10));
    cache.set('b', 'b'.repeat(10));
    cache.set('c', 'c'.repeat(10));
    expect(cache.get('a')).toBeDefined();
    cache.set('d', 'd'.repeat(10));
    expect(cache.has('b')).toBe(false);
    expect(cache.has('a')).toBe(true);
    expect(cache.has('c')).toBe(true);
    expect(cache.has('d')).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBe(30);
  });

  it('does not keep an entry larger than the budget, and drops the old value of its key', () => {
    const cache = new ByteBudgetCache<string, string>({
      maxBytes: 20,
      sizeOf: byLength,
    });
    cache.set('small', 'x'.repeat(5));
    cache.set('big', 'y'.repeat(10));
    expect(cache.set('big', 'y'.repeat(21))).toBe(false);
    expect(cache.get('big')).toBeUndefined();
    expect(cache.get('small')).toBe('xxxxx');
    expect(cache.bytes).toBe(5);
    expect(cache.size).toBe(1);
  });

  it('replaces a key without counting it twice', () => {
    const cache = new ByteBudgetCache<string, string>({
      maxBytes: 100,
      sizeOf: byLength,
    });
    cache.set('a', 'x'.repeat(40));
    cache.set('a', 'x'.repeat(30));
    expect(cache.bytes).toBe(30);
    expect(cache.size).toBe(1);
  });

  it('deletes and clears', () => {
    const cache = new ByteBudgetCache<number, string>({
      maxBytes: 100,
      sizeOf: (_key, value) => value.length,
    });
    cache.set(1, 'abc');
    cache.set(2, 'defg');
    expect(cache.delete(1)).toBe(true);
    expect(cache.delete(1)).toBe(false);
    expect(cache.bytes).toBe(4);
    cache.clear();
    expect(cache.bytes).toBe(0);
    expect(cache.size).toBe(0);
    expect(cache.get(2)).toBeUndefined();
  });

  it('treats entries older than ttlMs as absent and frees their bytes', () => {
    let now = 1000;
    const cache = new ByteBudgetCache<string, string>({
      maxBytes: 100,
      sizeOf: byLength,
      ttlMs: 50,
      now: () => now,
    });
    cache.set('a', 'abc');
    now += 49;
    expect(cache.get('a')).toBe('abc');
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.bytes).toBe(0);
    expect(cache.size).toBe(0);
  });

  it('keeps nothing with a zero budget and rejects a negative one', () => {
    const cache = new ByteBudgetCache<string, string>({
      maxBytes: 0,
      sizeOf: byLength,
    });
    expect(cache.set('a', 'x')).toBe(false);
    expect(cache.size).toBe(0);
    expect(
      () =>
        new ByteBudgetCache<string, string>({ maxBytes: -1, sizeOf: byLength }),
    ).toThrow(RangeError);
  });
});

describe('approxBytes', () => {
  it('grows with string length and with the number of fields', () => {
    expect(approxBytes('x'.repeat(100))).toBeGreaterThan(approxBytes('x'));
    expect(approxBytes({ a: 1, b: 'two', c: [1, 2, 3] })).toBeGreaterThan(
      approxBytes({ a: 1 }),
    );
    expect(approxBytes(new Map([['k', 'v'.repeat(50)]]))).toBeGreaterThan(100);
  });

  it('stops at the given depth', () => {
    const deep = { a: { b: { c: { d: { e: 'x'.repeat(10_000) } } } } };
    expect(approxBytes(deep, 2)).toBeLessThan(1000);
    expect(approxBytes(deep, 6)).toBeGreaterThan(20_000);
  });
});

describe('mibToBytes', () => {
  it('converts and falls back to the default', () => {
    expect(mibToBytes(2, 8)).toBe(2 * 1024 * 1024);
    expect(mibToBytes(undefined, 8)).toBe(8 * 1024 * 1024);
    expect(mibToBytes(-1, 8)).toBe(8 * 1024 * 1024);
    expect(mibToBytes(0, 8)).toBe(0);
  });
});

import { CreatedAtMemo } from './CreatedAtMemo';

const digest = (i: number) => `sha256:${String(i).padStart(64, '0')}`;

describe('CreatedAtMemo', () => {
  it('tells "unknown digest" from "known, without a time"', () => {
    const memo = new CreatedAtMemo();
    memo.set('h', 'sha256:a', '2024-01-01T00:00:00.000Z');
    memo.set('h', 'sha256:b', undefined);
    expect(memo.get('h', 'sha256:a')).toBe('2024-01-01T00:00:00.000Z');
    expect(memo.get('h', 'sha256:b')).toBeNull();
    expect(memo.get('h', 'sha256:c')).toBeUndefined();
    expect(memo.get('other', 'sha256:a')).toBeUndefined();
  });

  it('stays within its byte budget, forgetting the least recently used first', () => {
    const maxBytes = 10_000;
    const memo = new CreatedAtMemo({ maxBytes });
    const time = '2024-01-01T00:00:00.000Z';
    memo.set('registry.example', digest(0), time);
    for (let i = 1; i < 1000; i++) {
      memo.set('registry.example', digest(i), time);
      // Digest 0 is asked for all along, so it stays.
      expect(memo.get('registry.example', digest(0))).toBe(time);
      expect(memo.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(memo.size).toBeGreaterThan(10);
    expect(memo.size).toBeLessThan(1000);
    expect(memo.get('registry.example', digest(1))).toBeUndefined();
    expect(memo.get('registry.example', digest(999))).toBe(time);
  });
});

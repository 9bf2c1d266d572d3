import { CreatedAtMemo } from './CreatedAtMemo';

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

  it('forgets the oldest entries beyond its bound', () => {
    const memo = new CreatedAtMemo(2);
    memo.set('h', '1', 'a');
    memo.set('h', '2', 'b');
    memo.set('h', '1', 'a'); // refreshed: now the newest
    memo.set('h', '3', 'c');
    expect(memo.get('h', '2')).toBeUndefined();
    expect(memo.get('h', '1')).toBe('a');
    expect(memo.get('h', '3')).toBe('c');
  });
});

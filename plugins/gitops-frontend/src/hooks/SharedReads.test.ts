import { SharedReads } from './SharedReads';

describe('SharedReads', () => {
  const loader = (answer: () => Promise<string>) => jest.fn(answer);

  it('shares one answer per key and generation while the key is in use', async () => {
    const reads = new SharedReads<string>();
    const load = loader(async () => 'first');
    const release = reads.use('a');
    const one = reads.read('a', 0, load);
    const two = reads.read('a', 0, load);
    expect(two).toBe(one);
    expect(await two).toBe('first');
    expect(load).toHaveBeenCalledTimes(1);

    // Another key, or a newer generation, reads again.
    reads.read('b', 0, load);
    await reads.read('a', 1, load);
    expect(load).toHaveBeenCalledTimes(3);
    release();
  });

  it('forgets an answer once the last user of its key is gone', async () => {
    const reads = new SharedReads<string>();
    const load = loader(async () => 'x');
    const first = reads.use('a');
    const second = reads.use('a');
    await reads.read('a', 0, load);
    first();
    await reads.read('a', 0, load);
    expect(load).toHaveBeenCalledTimes(1);
    second();
    await reads.read('a', 0, load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps no failed answer', async () => {
    const reads = new SharedReads<string>();
    const release = reads.use('a');
    const failing = loader(() => Promise.reject(new Error('503')));
    await expect(reads.read('a', 0, failing)).rejects.toThrow('503');
    const load = loader(async () => 'ok');
    expect(await reads.read('a', 0, load)).toBe('ok');
    expect(load).toHaveBeenCalledTimes(1);
    release();
  });
});

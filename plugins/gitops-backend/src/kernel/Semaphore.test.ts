import { Semaphore } from './Semaphore';

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, in arrival order', async () => {
    const semaphore = new Semaphore(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        semaphore.run(async () => {
          started.push(i);
          running++;
          most = Math.max(most, running);
          await new Promise(resolve => setTimeout(resolve, 1 + (i % 3)));
          running--;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(started).toEqual([...started].sort((a, b) => a - b));
  });

  it('frees the slot when a task fails', async () => {
    const semaphore = new Semaphore(1);
    await expect(
      semaphore.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(semaphore.run(async () => 'next')).resolves.toBe('next');
  });

  it('rejects a limit below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

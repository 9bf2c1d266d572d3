import { KeyedMutex } from './KeyedMutex';

const tick = () => new Promise(resolve => setTimeout(resolve, 5));

describe('KeyedMutex', () => {
  it('runs tasks of one key one at a time, in order, and others alongside', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`start ${name}`);
      await tick();
      events.push(`end ${name}`);
      return name;
    };

    const results = await Promise.all([
      mutex.run('a', task('a1')),
      mutex.run('a', task('a2')),
      mutex.run('b', task('b1')),
    ]);

    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(events.indexOf('end a1')).toBeLessThan(events.indexOf('start a2'));
    expect(events.indexOf('start b1')).toBeLessThan(events.indexOf('end a1'));
  });

  it('keeps going after a task fails and forgets idle keys', async () => {
    const mutex = new KeyedMutex();
    const failed = mutex.run('a', async () => {
      throw new Error('boom');
    });
    const next = mutex.run('a', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    expect(mutex.isBusy('a')).toBe(false);
  });
});

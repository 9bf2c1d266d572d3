import { mockServices } from '@backstage/backend-test-utils';
import { ImmediateRun } from './ImmediateRun';

function gate<T>(
  work: (input: T, signal: AbortSignal) => Promise<void>,
  merge?: (a: T, b: T) => T,
) {
  return new ImmediateRun<T>({
    name: 'test',
    work,
    merge,
    timeoutMs: 5_000,
    logger: mockServices.logger.mock(),
  });
}

describe('ImmediateRun', () => {
  it('starts a run at once', async () => {
    const runs: number[] = [];
    const run = gate<number>(async input => {
      runs.push(input);
    });
    const done = run.request(1);
    // Started synchronously, not on a poll.
    expect(runs).toEqual([1]);
    await done;
  });

  it('coalesces requests during a run into exactly one more run', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    let release!: () => void;
    const run = gate<void>(async () => {
      runs++;
      running++;
      most = Math.max(most, running);
      if (runs === 1) await new Promise<void>(resolve => (release = resolve));
      else await new Promise(resolve => setTimeout(resolve, 5));
      running--;
    });
    const first = run.request();
    const duplicates = Array.from({ length: 10 }, () => run.request());
    release();
    await Promise.all([first, ...duplicates]);
    expect(runs).toBe(2);
    expect(most).toBe(1);
    await run.request();
    expect(runs).toBe(3);
  });

  it('merges the inputs of coalesced requests', async () => {
    const inputs: string[][] = [];
    let release!: () => void;
    const run = gate<string[]>(
      async input => {
        inputs.push(input);
        if (inputs.length === 1)
          await new Promise<void>(resolve => (release = resolve));
      },
      (a, b) => [...a, ...b],
    );
    const first = run.request(['a']);
    const second = run.request(['b']);
    const third = run.request(['c']);
    release();
    await Promise.all([first, second, third]);
    expect(inputs).toEqual([['a'], ['b', 'c']]);
  });

  it('resolves a request only after a run that started after it', async () => {
    const order: string[] = [];
    let release!: () => void;
    const run = gate<void>(async () => {
      order.push('run');
      if (order.length === 1)
        await new Promise<void>(resolve => (release = resolve));
    });
    void run.request();
    const later = run.request().then(() => order.push('later resolved'));
    release();
    await later;
    expect(order).toEqual(['run', 'run', 'later resolved']);
  });

  it('logs a failure and keeps serving requests', async () => {
    const logger = mockServices.logger.mock();
    let calls = 0;
    const run = new ImmediateRun<void>({
      name: 'gitops-sync:config',
      timeoutMs: 5_000,
      logger,
      work: async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
      },
    });
    await expect(run.request()).resolves.toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith('Run failed', {
      task: 'gitops-sync:config',
      error: 'boom',
    });
    await run.request();
    expect(calls).toBe(2);
  });

  it("aborts a run past its timeout or when its requester's signal aborts", async () => {
    const signals: AbortSignal[] = [];
    const run = new ImmediateRun<void>({
      name: 'test',
      timeoutMs: 20,
      logger: mockServices.logger.mock(),
      work: async (_, signal) => {
        signals.push(signal);
        await new Promise(resolve => signal.addEventListener('abort', resolve));
      },
    });
    await run.request();
    expect(signals[0].aborted).toBe(true);

    const controller = new AbortController();
    const slow = new ImmediateRun<void>({
      name: 'test',
      timeoutMs: 60_000,
      logger: mockServices.logger.mock(),
      work: async (_, signal) => {
        await new Promise(resolve => signal.addEventListener('abort', resolve));
      },
    });
    const pending = slow.request(undefined, controller.signal);
    controller.abort();
    await pending;
    await slow.whenIdle();
  });

  it('aborts the run and starts no more once the backend stops', async () => {
    const stopping = new AbortController();
    let runs = 0;
    const run = new ImmediateRun<void>({
      name: 'test',
      timeoutMs: 60_000,
      logger: mockServices.logger.mock(),
      stopSignal: stopping.signal,
      work: async (_, signal) => {
        runs++;
        await new Promise(resolve => signal.addEventListener('abort', resolve));
      },
    });
    const first = run.request();
    const queued = run.request();
    stopping.abort();
    await Promise.all([first, queued]);
    await run.request();
    expect(runs).toBe(1);
  });
});

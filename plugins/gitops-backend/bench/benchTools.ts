// Small helpers the benchmarks share: timing, medians and git as a process.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The middle value (the upper one of an even count). */
export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs git in `cwd` with an argument array, for generating repositories. */
export const git = (cwd: string, ...args: string[]) =>
  execFileAsync('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });

/** The result of `fn` and how long it took, in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return [result, Number(process.hrtime.bigint() - started) / 1e6];
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { errorMessage } from './errorMessage';

/**
 * The work of one key (a repository's sync, a cluster's reconcile), given
 * what the requests since the last run asked for, merged.
 */
export type RunWork<T> = (input: T, signal: AbortSignal) => Promise<void>;

/**
 * Runs one key's work now, in this process, at most one run at a time.
 * A request during a run marks the key dirty: exactly one more run follows
 * the current one, however many requests came meanwhile (their inputs
 * merged), so a burst of duplicate webhooks costs at most one extra run.
 * The scheduled task of the key requests through the same gate, so a
 * scheduled run never overlaps an immediate one in this process. Failures
 * are logged, never thrown to whoever asked.
 */
export class ImmediateRun<T = void> {
  private running = false;
  private pending?: { input: T; done: Array<() => void> };
  private idle: Array<() => void> = [];

  constructor(
    private readonly options: {
      /** Names the key in logs: `gitops-sync:config`. */
      name: string;
      work: RunWork<T>;
      /** Two requests' inputs as one; the later one wins when unset. */
      merge?: (earlier: T, later: T) => T;
      /** Each run is aborted after this long. */
      timeoutMs: number;
      logger: LoggerService;
      /** The backend is stopping: runs abort, and requests start none. */
      stopSignal?: AbortSignal;
    },
  ) {}

  /**
   * Asks for a run. Resolves (never rejects) once a run that started after
   * this request has ended. `signal` also aborts the run when this request
   * starts it (the scheduler's signal of a scheduled run).
   */
  request(input: T, signal?: AbortSignal): Promise<void> {
    return new Promise(resolve => {
      if (this.options.stopSignal?.aborted) {
        resolve();
      } else if (!this.running) {
        this.start(input, [resolve], signal);
      } else if (this.pending) {
        const merge = this.options.merge ?? ((_: T, later: T) => later);
        this.pending.input = merge(this.pending.input, input);
        this.pending.done.push(resolve);
      } else {
        this.pending = { input, done: [resolve] };
      }
    });
  }

  /** Resolves once no run is on and none is pending: for tests and shutdown. */
  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise(resolve => this.idle.push(resolve));
  }

  private start(input: T, done: Array<() => void>, signal?: AbortSignal): void {
    this.running = true;
    const runSignal = AbortSignal.any(
      [
        AbortSignal.timeout(this.options.timeoutMs),
        this.options.stopSignal,
        signal,
      ].filter((s): s is AbortSignal => s !== undefined),
    );
    const run = async () => {
      try {
        await this.options.work(input, runSignal);
      } catch (error) {
        this.options.logger.error('Run failed', {
          task: this.options.name,
          error: errorMessage(error),
        });
      }
    };
    void run().then(() => this.finish(done));
  }

  private finish(done: Array<() => void>): void {
    this.running = false;
    for (const resolve of done) resolve();
    const next = this.pending;
    this.pending = undefined;
    if (next && this.options.stopSignal?.aborted) {
      for (const resolve of next.done) resolve();
    } else if (next) {
      this.start(next.input, next.done);
      return;
    }
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }
}

/** A planned failure: the next `times` requests matching it answer `status`. */
export type FaultSpec = {
  /** Any method when absent. */
  method?: string;
  /** Tested against the URL path, without the query string. */
  path: RegExp;
  status: number;
  /** 1 when absent; `Infinity` until cleared. */
  times?: number;
  /** Sent as `Retry-After` and in the Status details (what 429s carry). */
  retryAfterSeconds?: number;
};

type PlannedFault = FaultSpec & { remaining: number };

/** Faults in the order they were planned; the first match is used up first. */
export class FaultInjector {
  private faults: PlannedFault[] = [];

  add(fault: FaultSpec): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** The fault this request hits, if any, counting it as used. */
  take(method: string, path: string): FaultSpec | undefined {
    const fault = this.faults.find(
      candidate =>
        (!candidate.method ||
          candidate.method.toUpperCase() === method.toUpperCase()) &&
        testPath(candidate.path, path),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter(candidate => candidate.remaining > 0);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }
}

/** A global or sticky regex keeps state between tests; reset it so every request is judged alike. */
function testPath(pattern: RegExp, path: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(path);
}

// The demo's double runs for days: keep the newest requests only.
const MAX_PATHS = 10_000;

/** Request totals for benchmarks: all requests and per "METHOD path-template". */
export class RequestCounter {
  private total = 0;
  private byRoute = new Map<string, number>();
  /** "METHOD path" as sent, for tests that must tell namespaces apart. */
  private paths: string[] = [];

  record(method: string, template: string, path: string): void {
    this.total += 1;
    const route = `${method} ${template}`;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
    if (this.paths.length >= MAX_PATHS) this.paths.shift();
    this.paths.push(`${method} ${path}`);
  }

  /** The requests since the last reset (the newest 10,000), in order, as "METHOD path". */
  requestPaths(): string[] {
    return [...this.paths];
  }

  snapshot(): { total: number; byRoute: Record<string, number> } {
    return { total: this.total, byRoute: Object.fromEntries(this.byRoute) };
  }

  reset(): void {
    this.total = 0;
    this.byRoute = new Map();
    this.paths = [];
  }
}

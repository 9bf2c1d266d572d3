/** Request totals for benchmarks: all requests and per "METHOD path-template". */
export class RequestCounter {
  private total = 0;
  private byRoute = new Map<string, number>();

  record(method: string, template: string): void {
    this.total += 1;
    const route = `${method} ${template}`;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
  }

  snapshot(): { total: number; byRoute: Record<string, number> } {
    return { total: this.total, byRoute: Object.fromEntries(this.byRoute) };
  }

  reset(): void {
    this.total = 0;
    this.byRoute = new Map();
  }
}

/** Call counters for tests and benchmarks: every RPC in total and per (model or service, method). */
export class CallCounter {
  total = 0;
  /** Requests answered by an injected fault instead of Odoo. */
  faulted = 0;
  private readonly perMethod = new Map<string, number>();

  record(model: string, method: string): void {
    this.total += 1;
    const key = `${model}/${method}`;
    this.perMethod.set(key, (this.perMethod.get(key) ?? 0) + 1);
  }

  /** Calls of `method` on `model` ("common" or "db" for those services). */
  of(model: string, method: string): number {
    return this.perMethod.get(`${model}/${method}`) ?? 0;
  }

  /** Snapshot as { "stock.picking/search_read": 3, … }. */
  byMethod(): Record<string, number> {
    return Object.fromEntries(this.perMethod);
  }

  reset(): void {
    this.total = 0;
    this.faulted = 0;
    this.perMethod.clear();
  }
}

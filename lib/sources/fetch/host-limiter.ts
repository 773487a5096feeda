/** A small counting semaphore per host: at most `limit` requests in flight to one host at a time. */
export class HostLimiter {
  private active = new Map<string, number>();
  private waiting = new Map<string, (() => void)[]>();
  constructor(private readonly limit: number) {}

  /** Wait for a slot on `host`; resolves to the function that releases it (idempotent). */
  async acquire(host: string): Promise<() => void> {
    if ((this.active.get(host) ?? 0) >= this.limit) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(host) ?? [];
        queue.push(resolve);
        this.waiting.set(host, queue);
      });
    } else {
      this.active.set(host, (this.active.get(host) ?? 0) + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.get(host)?.shift();
      if (next) next();
      else this.active.set(host, (this.active.get(host) ?? 1) - 1);
    };
  }
}

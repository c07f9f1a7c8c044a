// Callers wait their turn, like golang.org/x/time/rate's Limiter.Wait: `ratePerSecond` steady rate,
// `burst` capacity, and a deadline after which the call fails at once instead of queueing forever.
// Implemented as GCRA: `tat` is the theoretical arrival time of the next conforming request.
export class RateLimitError extends Error {
  override readonly name = 'RateLimitError';
}

export class WaitingRateLimiter {
  private tat = 0;
  private readonly intervalMs: number;

  constructor(
    ratePerSecond: number,
    private readonly burst: number,
    private readonly maxWaitMs: number,
  ) {
    this.intervalMs = 1000 / ratePerSecond;
  }

  async wait(): Promise<void> {
    const now = performance.now();
    const tat = Math.max(this.tat, now);
    const proceedAt = tat - (this.burst - 1) * this.intervalMs;
    const delay = Math.max(0, proceedAt - now);
    if (delay > this.maxWaitMs) throw new RateLimitError('rate limited: wait would exceed the deadline');
    this.tat = tat + this.intervalMs;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  }
}

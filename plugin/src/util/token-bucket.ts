// Token buckets (golang.org/x/time/rate's Limiter semantics: `rate` tokens per second, up to `burst`), and
// a keyed set of them with a hard size bound for per-user limits.

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now = performance.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if there is one. */
  allow(now = performance.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether the bucket is back to full (so forgetting it changes nothing). */
  isFull(now = performance.now()): boolean {
    return this.tokens + ((now - this.last) / 1000) * this.ratePerSecond >= this.burst;
  }
}

/** One bucket per key (user id); at most `maxKeys`, full buckets are forgotten first, then the oldest. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly maxKeys = 10_000,
  ) {}

  allow(key: string): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.evict();
      b = new TokenBucket(this.ratePerSecond, this.burst);
      this.buckets.set(key, b);
    }
    return b.allow();
  }

  get size(): number {
    return this.buckets.size;
  }

  private evict(): void {
    const now = performance.now();
    for (const [k, b] of this.buckets) if (b.isFull(now)) this.buckets.delete(k);
    // Still full of active users: drop the oldest entries (Map keeps insertion order).
    for (const k of this.buckets.keys()) {
      if (this.buckets.size < this.maxKeys) break;
      this.buckets.delete(k);
    }
  }
}

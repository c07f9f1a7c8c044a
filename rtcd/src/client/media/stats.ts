// Bounded statistics of received media: a fixed-bucket latency histogram (0.1 ms steps up to 2 s, so
// p50/p99 are exact to 0.1 ms with no sample kept) and RFC 3550 interarrival jitter.

const STEP_MS = 0.1;
const BUCKETS = 20_000;

export class LatencyHistogram {
  readonly counts = new Uint32Array(BUCKETS + 1);
  count = 0;
  sum = 0;
  max = 0;

  record(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    const i = Math.min(BUCKETS, Math.floor(v / STEP_MS));
    this.counts[i]!++;
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i <= BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
  }

  /** The q-quantile (0..1) in ms (upper edge of its bucket), NaN without samples. */
  quantile(q: number): number {
    if (!this.count) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i === BUCKETS ? this.max : (i + 1) * STEP_MS;
    }
    return this.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  get mean(): number {
    return this.count ? this.sum / this.count : NaN;
  }
}

/** RFC 3550 §6.4.1 interarrival jitter of one stream, in ms. */
export class JitterMeter {
  jitterMs = 0;
  private lastArrival = -1;
  private lastTs = 0;

  constructor(private readonly clockRate: number) {}

  record(ts: number, arrivalMs: number): void {
    if (this.lastArrival >= 0) {
      const dts = ((((ts - this.lastTs) | 0) / this.clockRate) * 1000);
      const d = arrivalMs - this.lastArrival - dts;
      this.jitterMs += (Math.abs(d) - this.jitterMs) / 16;
    }
    this.lastArrival = arrivalMs;
    this.lastTs = ts;
  }
}

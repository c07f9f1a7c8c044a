// A histogram accumulated where the events happen (the media path, possibly in a worker thread) and handed
// over in batches: per-bucket counts (not cumulative, last slot = +Inf), sum and count.

export interface HistogramBatch {
  buckets: number[];
  sum: number;
  count: number;
}

export class LocalHistogram {
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }

  /** The observations since the last take (and resets them), or undefined when there were none. */
  take(): HistogramBatch | undefined {
    if (this.count === 0) return undefined;
    const batch = { buckets: Array.from(this.counts), sum: this.sum, count: this.count };
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
    return batch;
  }
}

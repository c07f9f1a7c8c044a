// A Prometheus histogram that accepts pre-aggregated batches (bucket counts + sum + count), registered in a
// prom-client Registry like any metric. prom-client's Histogram only takes one observation at a time, which
// would force the media path to ship every per-packet sample across threads; this takes the per-worker
// aggregates instead. Output format matches prom-client's (`_bucket{le}`, `_sum`, `_count`).
import type { Registry } from 'prom-client';
import type { HistogramBatch } from './local-histogram.js';

interface Series {
  labels: Record<string, string>;
  counts: number[]; // per bucket, last = +Inf
  sum: number;
  count: number;
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

export interface MergeableHistogramConfig {
  name: string;
  help: string;
  labelNames: string[];
  buckets: readonly number[];
  registers?: Registry[];
  collect?: () => void | Promise<void>;
}

export class MergeableHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  readonly labelNames: string[];
  readonly buckets: readonly number[];
  private readonly collectFn?: () => void | Promise<void>;
  private series = new Map<string, Series>();

  constructor(cfg: MergeableHistogramConfig) {
    this.name = cfg.name;
    this.help = cfg.help;
    this.labelNames = cfg.labelNames;
    this.buckets = cfg.buckets;
    this.collectFn = cfg.collect;
    for (const r of cfg.registers ?? []) r.registerMetric(this as never);
  }

  private keyOf(labels: Record<string, string | number>): string {
    return this.labelNames.map((n) => String(labels[n] ?? '')).join('\0');
  }

  private seriesFor(labels: Record<string, string>): Series {
    const key = this.keyOf(labels);
    let s = this.series.get(key);
    if (!s) {
      const own: Record<string, string> = {};
      for (const n of this.labelNames) own[n] = labels[n] ?? '';
      s = { labels: own, counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  observe(labels: Record<string, string>, value: number): void {
    const s = this.seriesFor(labels);
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  merge(labels: Record<string, string>, batch: HistogramBatch): void {
    if (batch.buckets.length !== this.buckets.length + 1) {
      throw new Error(`${this.name}: batch has ${batch.buckets.length} buckets, expected ${this.buckets.length + 1}`);
    }
    const s = this.seriesFor(labels);
    for (let i = 0; i < batch.buckets.length; i++) s.counts[i]! += batch.buckets[i]!;
    s.sum += batch.sum;
    s.count += batch.count;
  }

  /** Deletes one series (prom-client's `remove`): a group's series go when its client is gone (rtcd-service). */
  remove(labels: Record<string, string | number>): void {
    this.series.delete(this.keyOf(labels));
  }

  reset(): void {
    this.series.clear();
  }

  async get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }> {
    if (this.collectFn) await this.collectFn();
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      let acc = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        acc += s.counts[i]!;
        values.push({ labels: { le: this.buckets[i]!, ...s.labels }, value: acc, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

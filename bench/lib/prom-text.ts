// Reading Prometheus text exposition (the SFU's and rtcd's /metrics) for the benchmark's figures.

/** Sum of a family's samples whose label set contains every `want` pair. */
export function sumMetric(text: string, name: string, want: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(want).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** A histogram's cumulative bucket counts summed over its series, by upper bound (`le`), ascending. */
function buckets(text: string, name: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    out.set(bound, (out.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/**
 * The upper bound (seconds) of the bucket holding quantile `q` of a histogram's observations made between
 * two scrapes (`before` empty: since the start); undefined without observations. A bound, not an estimate:
 * the truth lies at or below it.
 */
export function histogramQuantileBound(after: string, name: string, q: number, before = ''): number | undefined {
  const b1 = buckets(after, name);
  const b0 = buckets(before, name);
  const total = (b1.get(Infinity) ?? 0) - (b0.get(Infinity) ?? 0);
  if (total <= 0) return undefined;
  for (const [bound, count] of b1) if (count - (b0.get(bound) ?? 0) >= q * total) return bound;
  return Infinity;
}

/** Seconds → ms for a bucket bound; null for none (JSON has no Infinity: the +Inf bucket is null too). */
export function msBound(seconds: number | undefined): number | null {
  return seconds === undefined || !Number.isFinite(seconds) ? null : Math.round(seconds * 1e6) / 1000;
}

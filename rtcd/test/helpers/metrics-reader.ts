// Reads metric values from a prom-client registry the way a scrape does (collect hooks run, so workers
// flush first). Series are matched on a subset of labels and summed.
import type { Registry } from 'prom-client';

type Labels = Record<string, string | number>;

function matches(labels: Labels, want: Labels): boolean {
  return Object.entries(want).every(([k, v]) => String(labels[k]) === String(v));
}

/** Sum of the samples of `name` (a counter/gauge, or a histogram's `_count`/`_sum`) whose labels include `want`. */
export async function metricValue(registry: Registry, name: string, want: Labels = {}): Promise<number> {
  const base = name.replace(/_(count|sum)$/, '');
  const metric = registry.getSingleMetric(name) ?? registry.getSingleMetric(base);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  const data = (await metric.get()) as { values: { labels: Labels; value: number; metricName?: string }[] };
  let sum = 0;
  for (const v of data.values) {
    if (name !== base && v.metricName !== name) continue;
    if (name === base && v.metricName && v.metricName !== name) continue;
    if (matches(v.labels, want)) sum += v.value;
  }
  return sum;
}

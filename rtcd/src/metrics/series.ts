// Deleting every series that carries a given label value (e.g. all `group_id="<client>"` series once a
// client is unregistered and idle), across every metric of a registry that supports removal.
import type { Registry } from 'prom-client';

interface Removable {
  labelNames?: readonly string[];
  remove?: (labels: Record<string, string | number>) => void;
  get(): Promise<{ values: Array<{ labels: Record<string, string | number> }> }>;
}

/** Removes the series whose `label` equals `value`; returns how many series were removed. */
export async function deleteSeriesWithLabel(registry: Registry, label: string, value: string): Promise<number> {
  let removed = 0;
  for (const metric of registry.getMetricsAsArray() as unknown as Removable[]) {
    const names = metric.labelNames ?? [];
    if (typeof metric.remove !== 'function' || !names.includes(label)) continue;
    const seen = new Set<string>();
    for (const v of (await metric.get()).values) {
      if (String(v.labels[label]) !== value) continue;
      // histogram samples carry `le` (and summaries `quantile`): a series is keyed by the declared labels
      const labels = Object.fromEntries(names.filter((n) => n in v.labels).map((n) => [n, v.labels[n]!]));
      const key = JSON.stringify(labels);
      if (seen.has(key)) continue;
      seen.add(key);
      metric.remove(labels);
      removed++;
    }
  }
  return removed;
}

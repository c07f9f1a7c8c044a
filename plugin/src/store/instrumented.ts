// Every store method is counted in `store_ops_total{type}` and timed in `store_methods_time{method}` under
// the reference's method name (CreateCall, GetCallSessions, ...), whatever the outcome.
import type { PluginMetrics } from '../metrics/metrics.js';
import type { Db } from './db.js';

export abstract class InstrumentedStore {
  constructor(
    protected readonly db: Db,
    private readonly metrics: PluginMetrics,
  ) {}

  protected async op<T>(method: string, fn: () => Promise<T>): Promise<T> {
    this.metrics.storeOps.inc({ type: method });
    const end = this.metrics.storeMethodsTime.startTimer({ method });
    try {
      return await fn();
    } finally {
      end();
    }
  }
}

/** JSON TEXT columns: a corrupt document reads as `fallback` instead of breaking every caller. */
export function parseJson<T>(text: unknown, fallback: T): T {
  if (typeof text !== 'string' || text === '') return fallback;
  try {
    const v = JSON.parse(text) as T | null;
    return v ?? fallback;
  } catch {
    return fallback;
  }
}

export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 't';
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

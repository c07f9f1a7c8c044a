// The statistics page's figures from GET /stats (the reference's CallsStats): continuous day and month
// series (missing days are zero, in UTC as the server groups them), channel types, and y-axis ticks.

export interface CallsStats {
  total_calls: number;
  total_active_calls: number;
  total_active_sessions: number;
  calls_by_day: Record<string, number>;
  calls_by_month: Record<string, number>;
  calls_by_channel_type: Record<string, number>;
  avg_duration: number;
  avg_participants: number;
  total_screen_share_calls?: number;
}

export interface Point {
  key: string;
  label: string;
  value: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The last `days` days up to today (UTC), oldest first. */
export function dailySeries(byDay: Record<string, number> | undefined, now: Date, days = 30): Point[] {
  const out: Point[] = [];
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(end - i * 86_400_000);
    const key = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    out.push({ key, label: `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`, value: Number(byDay?.[key] ?? 0) || 0 });
  }
  return out;
}

/** The last `months` months up to this one (UTC), oldest first. */
export function monthlySeries(byMonth: Record<string, number> | undefined, now: Date, months = 12): Point[] {
  const out: Point[] = [];
  for (let i = months - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    const key = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
    out.push({ key, label: `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCFullYear()).slice(2)}`, value: Number(byMonth?.[key] ?? 0) || 0 });
  }
  return out;
}

export const CHANNEL_TYPES: { key: string; label: string; color: string }[] = [
  { key: 'O', label: 'Public channels', color: '#1c58d9' },
  { key: 'P', label: 'Private channels', color: '#7a5ad8' },
  { key: 'D', label: 'Direct messages', color: '#3db887' },
  { key: 'G', label: 'Group messages', color: '#e07315' },
];

export function byChannelType(m: Record<string, number> | undefined): { key: string; label: string; color: string; value: number }[] {
  return CHANNEL_TYPES.map((t) => ({ ...t, value: Number(m?.[t.key] ?? 0) || 0 }));
}

/** Round ticks from 0 covering a count `max`: at most 5 whole steps of 1, 2 or 5 × 10^n. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 5;
  const mag = 10 ** Math.floor(Math.log10(rough));
  // Counts: never a fractional step.
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= rough) ?? 10 * mag);
  const ticks: number[] = [];
  const top = Math.max(step, Math.ceil(max / step) * step);
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

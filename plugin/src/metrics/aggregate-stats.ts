// The aggregate gauges (daily/monthly calls, calls by channel type, aggregate_stats{stat}) from the store's
// statistics. The reference refreshes them hourly; here they are also refreshed before a scrape whenever a
// call started or ended since the last refresh, so a scrape right after a call shows it.
import type { Logger } from '../log.js';
import type { StatsStore } from '../store/stats-store.js';
import type { CallsStats } from '../store/types.js';
import type { PluginMetrics } from './metrics.js';

const CHANNEL_TYPES: Record<string, string> = { O: 'public', P: 'private', D: 'direct', G: 'group' };
const HOURLY_MS = 3600_000;

export class AggregateStats {
  private dirty = true;
  private lastRefresh = 0;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stats: StatsStore,
    private readonly metrics: PluginMetrics,
    private readonly log: Logger,
  ) {}

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), HOURLY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A call started, ended or changed sessions. */
  markDirty(): void {
    this.dirty = true;
  }

  /** Before a scrape: refresh if something changed or the hourly refresh is due. */
  async beforeScrape(): Promise<void> {
    if (this.dirty || Date.now() - this.lastRefresh >= HOURLY_MS) await this.refresh();
  }

  refresh(): Promise<void> {
    this.running ??= (async () => {
      this.dirty = false;
      try {
        this.apply(await this.stats.getCallsStats());
        this.lastRefresh = Date.now();
      } catch (err) {
        this.dirty = true;
        this.log.warn({ err: (err as Error).message }, 'failed to refresh the aggregate call statistics');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private apply(s: CallsStats): void {
    const m = this.metrics;
    m.dailyCalls.reset();
    for (const [date, n] of Object.entries(s.calls_by_day)) m.dailyCalls.set({ date }, n);
    m.monthlyCalls.reset();
    for (const [month, n] of Object.entries(s.calls_by_month)) m.monthlyCalls.set({ month }, n);
    m.callsByChannelType.reset();
    for (const [t, n] of Object.entries(s.calls_by_channel_type)) m.callsByChannelType.inc({ type: CHANNEL_TYPES[t] ?? 'unknown' }, n);
    const set = (stat: string, v: number) => m.aggregateStats.set({ stat }, v);
    set('total_calls', s.total_calls);
    set('total_active_calls', s.total_active_calls);
    set('total_active_sessions', s.total_active_sessions);
    set('avg_duration_seconds', s.avg_duration);
    set('avg_participants', s.avg_participants);
    set('avg_video_duration_seconds', s.avg_video_duration);
    set('total_video_duration_seconds', s.total_video_duration);
    set('total_video_calls', s.total_video_calls);
    set('total_screen_share_calls', s.total_screen_share_calls);
  }
}

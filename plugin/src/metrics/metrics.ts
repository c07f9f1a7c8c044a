// Every metric family of the Calls plugin (shared/METRICS.md "Calls plugin" + reference §5), declared once
// on the plugin's own registry: process/runtime series of this process, the SFU families (embedded mode
// fills them; rtcd mode leaves them without series), and the plugin's own. Served by ServeMetrics and
// GET /metrics through `render()`, where `_total` gauges become `untyped` (CONTRIBUTING.md).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerProcessMetrics, renderMetrics, DEFAULT_BUCKETS } from '@calls-ts/rtcd/metrics';
import { createRtcMetrics, type RtcMetrics } from '@calls-ts/rtcd/rtc';

export const METRICS_PREFIX = 'mattermost_plugin_calls';
const P = METRICS_PREFIX;

/** The cluster mutex's view of the metrics (also used by the rtcd client's registration mutex). */
export interface MutexMetrics {
  observeGrab(group: string, seconds: number): void;
  observeLocked(group: string, seconds: number): void;
  incRetries(group: string): void;
}

export type WsDropReason = 'unknown_action' | 'invalid' | 'no_session' | 'rate_limited' | 'queue_full' | 'refused';

export class PluginMetrics implements MutexMetrics {
  readonly registry = new Registry();
  readonly rtc: RtcMetrics;
  readonly wsConnections: Gauge;
  readonly wsEvents: Counter<'direction' | 'type'>;
  readonly wsDropped: Counter<'reason'>;
  readonly mutexGrabTime: Histogram<'group'>;
  readonly mutexLockedTime: Histogram<'group'>;
  readonly mutexRetries: Counter<'group'>;
  readonly appHandlersTime: Histogram<'handler'>;
  readonly storeOps: Counter<'type'>;
  readonly storeMethodsTime: Histogram<'method'>;
  readonly iceCandidatePairs: Counter<'state' | 'local_type' | 'local_protocol' | 'remote_type' | 'remote_protocol'>;
  readonly dailyCalls: Gauge<'date'>;
  readonly monthlyCalls: Gauge<'month'>;
  readonly callsByChannelType: Gauge<'type'>;
  readonly aggregateStats: Gauge<'stat'>;
  readonly apiRequests: Counter<'route' | 'code'>;

  constructor() {
    const registers = [this.registry];
    registerProcessMetrics({ prefix: P, registry: this.registry });
    this.rtc = createRtcMetrics(this.registry, P);
    this.wsConnections = new Gauge({
      name: `${P}_websocket_connections_total`,
      help: 'The total number of active WebSocket connections.',
      registers,
    });
    this.wsEvents = new Counter({
      name: `${P}_websocket_events_total`,
      help: 'Total number of sent/received WebSocket events',
      labelNames: ['direction', 'type'],
      registers,
    });
    this.wsDropped = new Counter({
      name: `${P}_websocket_messages_dropped_total`,
      help: 'Client WebSocket messages dropped: unknown action, invalid data, no call session, rate limited, queue full, refused',
      labelNames: ['reason'],
      registers,
    });
    this.mutexGrabTime = new Histogram({ name: `${P}_cluster_mutex_grab_time`, help: 'Time to grab locks', labelNames: ['group'], buckets: DEFAULT_BUCKETS, registers });
    this.mutexLockedTime = new Histogram({ name: `${P}_cluster_mutex_locked_time`, help: 'Time locked', labelNames: ['group'], buckets: DEFAULT_BUCKETS, registers });
    this.mutexRetries = new Counter({ name: `${P}_cluster_mutex_lock_retries_total`, help: 'Total number of cluster mutex lock retries', labelNames: ['group'], registers });
    this.appHandlersTime = new Histogram({
      name: `${P}_app_handlers_time`,
      help: 'Time to execute app handlers',
      labelNames: ['handler'],
      buckets: DEFAULT_BUCKETS,
      registers,
    });
    this.storeOps = new Counter({ name: `${P}_store_ops_total`, help: 'Total number of store operations', labelNames: ['type'], registers });
    this.storeMethodsTime = new Histogram({
      name: `${P}_store_methods_time`,
      help: 'Time to execute store methods',
      labelNames: ['method'],
      buckets: DEFAULT_BUCKETS,
      registers,
    });
    this.iceCandidatePairs = new Counter({
      name: `${P}_client_ice_candidate_pairs_total`,
      help: 'Total number of client-sent ICE candidate pairs',
      labelNames: ['state', 'local_type', 'local_protocol', 'remote_type', 'remote_protocol'],
      registers,
    });
    this.dailyCalls = new Gauge({ name: `${P}_daily_calls_total`, help: 'Total number of calls per day (last 30 days)', labelNames: ['date'], registers });
    this.monthlyCalls = new Gauge({ name: `${P}_monthly_calls_total`, help: 'Total number of calls per month', labelNames: ['month'], registers });
    this.callsByChannelType = new Gauge({
      name: `${P}_calls_by_channel_type`,
      help: 'Total calls by channel type (public, private, direct, group)',
      labelNames: ['type'],
      registers,
    });
    this.aggregateStats = new Gauge({
      name: `${P}_aggregate_stats`,
      help: 'Aggregate statistics (avg_duration, avg_participants, etc)',
      labelNames: ['stat'],
      registers,
    });
    this.apiRequests = new Counter({
      name: `${P}_api_requests_total`,
      help: 'HTTP requests to the plugin API by route template and status code',
      labelNames: ['route', 'code'],
      registers,
    });
  }

  observeGrab(group: string, seconds: number): void {
    this.mutexGrabTime.observe({ group }, seconds);
  }

  observeLocked(group: string, seconds: number): void {
    this.mutexLockedTime.observe({ group }, seconds);
  }

  incRetries(group: string): void {
    this.mutexRetries.inc({ group });
  }

  /** Times an app handler (addUserSession, removeUserSession, getCallState, ...). */
  async timeHandler<T>(handler: string, fn: () => Promise<T>): Promise<T> {
    const end = this.appHandlersTime.startTimer({ handler });
    try {
      return await fn();
    } finally {
      end();
    }
  }

  /** The Prometheus text exposition, promtool-clean. */
  render(): Promise<string> {
    return renderMetrics(this.registry);
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric the host publishes on its metrics listener, declared once. Prefix `mattermost_`; labels
 * are bounded (routes are patterns, error ids and reasons are constants, plugin ids are installed plugins).
 */
export class HostMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'mattermost_http_requests_total',
    help: 'HTTP requests served, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'mattermost_http_request_duration_seconds',
    help: 'Time to serve an HTTP request, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly httpErrors = new Counter({
    name: 'mattermost_http_errors_total',
    help: 'HTTP requests answered with an error, by status code and error id.',
    labelNames: ['status_code', 'id'] as const,
    registers: [this.registry],
  });

  readonly wsConnections = new Gauge({
    name: 'mattermost_websocket_connections',
    help: 'Open WebSocket connections to this server.',
    registers: [this.registry],
  });

  readonly wsEvents = new Counter({
    name: 'mattermost_websocket_event_total',
    help: 'WebSocket events broadcast, by core event type (plugin events are counted as "custom").',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly wsReconnects = new Counter({
    name: 'mattermost_websocket_reconnects_total',
    help: 'WebSocket reconnections with a connection id: success (missed events replayed), lossless, or failure (new connection id).',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly wsBadRequests = new Counter({
    name: 'mattermost_websocket_bad_requests_total',
    help: 'WebSocket frames refused, by reason (malformed, too_large, rate_limited, unauthenticated, unknown_action, ...).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly wsDropped = new Counter({
    name: 'mattermost_websocket_dropped_total',
    help: 'Events or requests dropped because a bounded queue was full, by queue.',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  readonly pluginRestarts = new Counter({
    name: 'mattermost_plugin_restarts_total',
    help: 'Plugin server processes restarted after they exited or stopped answering.',
    labelNames: ['plugin_id'] as const,
    registers: [this.registry],
  });

  readonly pluginHookFailures = new Counter({
    name: 'mattermost_plugin_hook_failures_total',
    help: 'Plugin hook calls that failed, by plugin, hook and reason (timeout, not_running, error).',
    labelNames: ['plugin_id', 'hook', 'reason'] as const,
    registers: [this.registry],
  });

  readonly pluginApiCalls = new Counter({
    name: 'mattermost_plugin_api_calls_total',
    help: 'Plugin API calls served, by plugin, method and result (ok, error, invalid).',
    labelNames: ['plugin_id', 'method', 'result'] as const,
    registers: [this.registry],
  });

  readonly metricsRefused = new Counter({
    name: 'mattermost_metrics_requests_refused_total',
    help: 'Requests to the metrics listener refused, by reason (ip_not_allowed, bad_token).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'mattermost_' });
    // prom-client names three gauges `*_total`, which promtool rejects (a `_total` suffix means a counter);
    // `mattermost_nodejs_active_resources{type}` carries the same information.
    for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total']) {
      this.registry.removeSingleMetric(`mattermost_nodejs_${name}`);
    }
    // Families with a fixed label set start at zero so that rates and alerts work before the first event.
    for (const t of ['success', 'lossless', 'failure']) this.wsReconnects.inc({ type: t }, 0);
    for (const r of ['ip_not_allowed', 'bad_token']) this.metricsRefused.inc({ reason: r }, 0);
  }

  /**
   * A plugin's series start at zero when it is loaded: increase() cannot see the first increment of a
   * series that appears with 1, so the first restart would never alert.
   */
  pluginLoaded(pluginId: string): void {
    this.pluginRestarts.inc({ plugin_id: pluginId }, 0);
  }
}

// rtcd_api_requests_total / rtcd_api_request_duration_seconds{route, code}. `route` is the matched route
// pattern (bounded), never the raw path; unmatched paths are grouped under "other".
import type { Middleware } from 'koa';
import { Counter, Histogram, type Registry } from 'prom-client';
import { DEFAULT_BUCKETS } from '../metrics/buckets.js';

export function requestMetrics(registry: Registry): Middleware {
  const requests = new Counter({
    name: 'rtcd_api_requests_total',
    help: 'HTTP API requests by route and status code.',
    labelNames: ['route', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'rtcd_api_request_duration_seconds',
    help: 'HTTP API request duration by route and status code.',
    labelNames: ['route', 'code'],
    buckets: DEFAULT_BUCKETS,
    registers: [registry],
  });
  return async (ctx, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      // WebSocket upgrades bypass Koa (see ws-server.ts); they are counted in rtcd_ws_* instead.
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'other';
      const labels = { route: String(route), code: String(ctx.status) };
      requests.inc(labels);
      duration.observe(labels, (performance.now() - start) / 1000);
    }
  };
}

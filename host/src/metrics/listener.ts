import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual, randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { PluginManager } from '../plugins/plugin-manager.js';
import { hookFailure } from '../api/plugin-proxy.js';
import type { PluginHttpRequest } from '../plugin-rpc/protocol.js';
import type { HostMetrics } from './host-metrics.js';
import { AllowList } from './allow-list.js';

export interface MetricsListenerOptions {
  allowedIps: readonly string[];
  bearerToken: string;
}

function sendError(res: ServerResponse, status: number, id: string, message: string): void {
  const body = JSON.stringify({ id, message, detailed_error: '', request_id: '', status_code: status });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function tokenMatches(header: string | undefined, expected: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The metrics listener (:8067): `/metrics` for the host and `/plugins/<id>/metrics` answered by the
 * plugin's ServeMetrics hook. Callers outside the allow-list, or without the bearer token when one is
 * set, get a 403 and are counted.
 */
export function createMetricsServer(
  metrics: HostMetrics,
  plugins: PluginManager,
  log: Logger,
  opts: MetricsListenerOptions,
): Server {
  const allow = new AllowList(opts.allowedIps);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!allow.allows(req.socket.remoteAddress)) {
      metrics.metricsRefused.inc({ reason: 'ip_not_allowed' });
      log.info({ remote: req.socket.remoteAddress }, 'metrics request refused: address not allowed');
      return sendError(res, 403, 'api.metrics.forbidden_ip', 'This address may not read metrics.');
    }
    if (opts.bearerToken && !tokenMatches(req.headers.authorization, opts.bearerToken)) {
      metrics.metricsRefused.inc({ reason: 'bad_token' });
      log.info({ remote: req.socket.remoteAddress }, 'metrics request refused: missing or wrong bearer token');
      return sendError(res, 403, 'api.metrics.forbidden_token', 'A valid bearer token is required to read metrics.');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'api.metrics.method', 'Use GET.');
    const url = new URL(req.url ?? '/', 'http://metrics');
    if (url.pathname === '/metrics') {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const m = /^\/plugins\/([^/]+)\/metrics$/.exec(url.pathname);
    if (!m) return sendError(res, 404, 'api.metrics.not_found', 'Not found: /metrics and /plugins/<id>/metrics exist here.');
    const pluginId = decodeURIComponent(m[1]!);
    const plugin = plugins.get(pluginId);
    if (!plugin) return sendError(res, 404, 'app.plugin.not_installed.app_error', `No plugin ${pluginId}.`);
    const proc = plugin.process;
    if (!proc?.running) return sendError(res, 503, 'app.plugin.not_running', `The plugin ${pluginId} is not running.`);
    if (!proc.hooks.has('ServeMetrics')) return sendError(res, 404, 'app.plugin.no_metrics', `The plugin ${pluginId} has no metrics.`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'authorization') headers[k] = v;
    const pluginReq: PluginHttpRequest = {
      method: req.method, path: '/metrics', query: url.search.slice(1), headers, body: new Uint8Array(0), userId: '',
      remoteAddress: req.socket.remoteAddress ?? '',
    };
    try {
      const out = await proc.call('ServeMetrics', { requestId: randomUUID(), sessionId: '', ipAddress: pluginReq.remoteAddress, userAgent: headers['user-agent'] ?? '', acceptLanguage: '' }, pluginReq);
      const outHeaders: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(out.headers ?? {})) if (!['content-length', 'connection', 'transfer-encoding'].includes(k.toLowerCase())) outHeaders[k] = v;
      res.writeHead(Number.isInteger(out.status) && out.status >= 100 && out.status <= 599 ? out.status : 500, outHeaders);
      res.end(out.body === undefined ? undefined : typeof out.body === 'string' ? out.body : Buffer.from(out.body));
    } catch (err) {
      const e = hookFailure(err, pluginId);
      sendError(res, e.statusCode, e.id, e.message);
    }
  };

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err }, 'metrics request failed');
      if (!res.headersSent) sendError(res, 500, 'api.metrics.internal', 'Internal error.');
      else res.destroy();
    });
  });
}

import type Koa from 'koa';
import type { PluginManager } from '../plugins/plugin-manager.js';
import { HookError } from '../plugins/plugin-process.js';
import { AppError } from '../errors.js';
import type { PluginContext, PluginHttpRequest, PluginHttpResponse } from '../plugin-rpc/protocol.js';
import type { Ctx, HostState } from './context.js';

/** A failed hook as the client sees it: 503 when the plugin is down or too slow, 500 when it threw. */
export function hookFailure(err: unknown, pluginId: string): AppError {
  if (!(err instanceof HookError)) return err instanceof AppError ? err : new AppError(500, 'app.plugin.hook_failed', String(err));
  switch (err.reason) {
    case 'timeout':
      return new AppError(503, 'app.plugin.hook_timeout', `The plugin ${pluginId} did not answer in time.`);
    case 'not_running':
    case 'busy':
      return new AppError(503, 'app.plugin.not_running', `The plugin ${pluginId} is not available right now; try again shortly.`);
    default:
      return new AppError(500, 'app.plugin.hook_failed', `The plugin ${pluginId} failed: ${err.message}`);
  }
}

// Hop-by-hop and host-owned headers never cross to or from the plugin.
const DROP_REQUEST_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'cookie', 'authorization', 'mattermost-user-id']);
const DROP_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'set-cookie']);

export function pluginContext(ctx: Ctx): PluginContext {
  return {
    requestId: ctx.state.requestId,
    sessionId: ctx.state.auth?.session.id ?? '',
    ipAddress: ctx.ip,
    userAgent: ctx.get('User-Agent'),
    acceptLanguage: ctx.get('Accept-Language'),
  };
}

/** Builds the request a plugin's ServeHTTP/ServeMetrics gets. `userId` '' means: no valid session. */
export function toPluginRequest(ctx: Ctx, path: string, userId: string): PluginHttpRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.req.headers)) {
    if (v === undefined || DROP_REQUEST_HEADERS.has(k)) continue;
    headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  if (userId) headers['mattermost-user-id'] = userId;
  return {
    method: ctx.method,
    path: path || '/',
    query: ctx.querystring,
    headers,
    body: ctx.state.rawBody ? new Uint8Array(ctx.state.rawBody) : new Uint8Array(0),
    userId,
    remoteAddress: ctx.ip,
  };
}

export function applyPluginResponse(ctx: Ctx, res: PluginHttpResponse): void {
  const status = Number.isInteger(res.status) && res.status >= 100 && res.status <= 599 ? res.status : 500;
  ctx.status = status;
  let hasType = false;
  for (const [k, v] of Object.entries(res.headers ?? {})) {
    const name = k.toLowerCase();
    if (DROP_RESPONSE_HEADERS.has(name)) continue;
    if (name === 'content-type') hasType = true;
    ctx.set(k, v);
  }
  const body = res.body;
  if (body === undefined || body === '') {
    ctx.body = null;
    ctx.status = status;
    return;
  }
  if (!hasType) ctx.set('Content-Type', typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream');
  ctx.body = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  ctx.status = status;
}

/**
 * `/plugins/<id>/*` → the plugin's ServeHTTP. The `Mattermost-User-Id` header is set only for a valid
 * session (and, for cookie sessions on unsafe methods, a valid CSRF header); whatever the client sent
 * under that name is dropped.
 */
export function pluginProxy(plugins: PluginManager): Koa.Middleware<HostState> {
  return async (ctx, next) => {
    const m = /^\/plugins\/([^/]+)(\/.*)?$/.exec(ctx.path);
    if (!m) return next();
    const c = ctx as Ctx;
    const pluginId = decodeURIComponent(m[1]!);
    const plugin = plugins.require(pluginId);
    c.state.route = `/plugins/${plugin.id}`;
    const auth = c.state.auth;
    const userId = auth && (!auth.viaCookie || auth.csrfOk || ['GET', 'HEAD', 'OPTIONS'].includes(ctx.method)) ? auth.user.id : '';
    const proc = plugins.runningProcess(plugin.id);
    if (!proc.hooks.has('ServeHTTP')) throw new AppError(404, 'app.plugin.no_http', `The plugin ${plugin.id} serves no HTTP.`);
    let res: PluginHttpResponse;
    try {
      res = await proc.call('ServeHTTP', pluginContext(c), toPluginRequest(c, m[2] ?? '/', userId));
    } catch (err) {
      throw hookFailure(err, plugin.id);
    }
    applyPluginResponse(c, res);
  };
}

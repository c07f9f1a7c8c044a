// The route table and the middleware chain every request goes through, each doing one thing: errors to JSON,
// request metrics, authentication (401 without a session, except public routes), the per-user rate limit
// (1/s, burst 10 → 429), the 1 MB body cap (413).
import type { PluginHttpRequest, PluginHttpResponse } from '@calls-ts/host/plugin-rpc';
import type { Logger } from '../log.js';
import type { PluginMetrics } from '../metrics/metrics.js';
import { KeyedRateLimiter } from '../util/token-bucket.js';
import { ApiError, json, message, type Ctx, type Handler, type Middleware } from './http.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const API_RATE = { perSecond: 1, burst: 10 };

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  keys: string[];
  isPublic: boolean;
  handler: Handler;
}

/** `:name` segments match Mattermost ids (26 × [a-z0-9]), as the reference's mux patterns. */
function compile(template: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const src = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([a-z_]+)/g, (_, k: string) => {
    keys.push(k);
    return '([a-z0-9]{26})';
  });
  return { pattern: new RegExp(`^${src}/?$`), keys };
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler, opts: { isPublic?: boolean } = {}): this {
    this.routes.push({ method, template, handler, isPublic: !!opts.isPublic, ...compile(template) });
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | 'wrong_method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, m[i + 1]!]));
      return { route, params };
    }
    return pathMatched ? 'wrong_method' : undefined;
  }
}

function compose(middleware: Middleware[], last: Handler): Handler {
  return (ctx) => {
    const step = (i: number): Promise<PluginHttpResponse> => (i === middleware.length ? last(ctx) : middleware[i]!(ctx, () => step(i + 1)));
    return step(0);
  };
}

export function errorsToJson(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      return await next();
    } catch (err) {
      if (err instanceof ApiError) return message(err.status, err.message);
      log.error({ err: (err as Error).message, route: ctx.route, user_id: ctx.userId }, 'api handler failed');
      return json(500, { message: 'An internal error has occurred. Check the server logs for details.', status_code: 500 });
    }
  };
}

export function countRequests(metrics: PluginMetrics): Middleware {
  return async (ctx, next) => {
    const res = await next();
    metrics.apiRequests.inc({ route: ctx.route, code: String(res.status) });
    return res;
  };
}

export function requireUser(isPublic: (ctx: Ctx) => boolean): Middleware {
  return async (ctx, next) => {
    if (!ctx.userId && !isPublic(ctx)) throw new ApiError(401, 'Unauthorized');
    return next();
  };
}

export function rateLimitPerUser(limiter = new KeyedRateLimiter(API_RATE.perSecond, API_RATE.burst)): Middleware {
  return async (ctx, next) => {
    if (ctx.userId && !limiter.allow(ctx.userId)) return json(429, { message: 'too many requests', status_code: 429 });
    return next();
  };
}

export function capBody(maxBytes = MAX_BODY_BYTES): Middleware {
  return async (ctx, next) => {
    if (ctx.req.body.byteLength > maxBytes) throw new ApiError(413, `request body too large (max ${maxBytes} bytes)`);
    return next();
  };
}

/** The ServeHTTP entry: routes a request through the middleware chain to its handler. */
export function createApi(router: Router, metrics: PluginMetrics, log: Logger): (req: PluginHttpRequest) => Promise<PluginHttpResponse> {
  const routeOf = new WeakMap<Ctx, Route>();
  const chain = compose(
    [errorsToJson(log), countRequests(metrics), requireUser((ctx) => routeOf.get(ctx)?.isPublic ?? false), rateLimitPerUser(), capBody()],
    async (ctx) => {
      const route = routeOf.get(ctx);
      if (!route) throw new ApiError(ctx.route === 'wrong_method' ? 405 : 404, ctx.route === 'wrong_method' ? 'method not allowed' : 'not found');
      return route.handler(ctx);
    },
  );
  return (req) => {
    const path = req.path.split('?')[0] || '/';
    const m = router.match(req.method.toUpperCase(), path);
    const ctx: Ctx = {
      req,
      userId: req.userId,
      params: typeof m === 'object' ? m.params : {},
      query: new URLSearchParams(req.query),
      route: typeof m === 'object' ? m.route.template : m === 'wrong_method' ? 'wrong_method' : 'unmatched',
    };
    if (typeof m === 'object') routeOf.set(ctx, m.route);
    return chain(ctx);
  };
}

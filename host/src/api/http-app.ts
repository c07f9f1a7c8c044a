import Koa from 'koa';
import Router from '@koa/router';
import { AppError } from '../errors.js';
import type { ApiDeps, HostState } from './context.js';
import { authenticate, errors, httpMetrics, readBody, requestLog } from './middleware.js';
import { pluginProxy } from './plugin-proxy.js';
import { staticFiles } from './static.js';
import { userRoutes } from './routes/users.js';
import { teamRoutes } from './routes/teams.js';
import { channelRoutes } from './routes/channels.js';
import { postRoutes } from './routes/posts.js';
import { systemRoutes } from './routes/system.js';

export interface HttpOptions {
  maxApiBodyBytes: number;
  maxPluginBodyBytes: number;
  webDir: string;
  webDistDir: string;
}

/** The Koa application for :8065 — small middleware each doing one thing, then thin routes. */
export function createHttpApp(deps: ApiDeps, opts: HttpOptions): Koa<HostState> {
  const app = new Koa<HostState>();
  app.silent = true;
  app.on('error', (err: unknown) => deps.log.debug({ err }, 'koa error'));

  const router = new Router<HostState>();
  userRoutes(router, deps);
  teamRoutes(router, deps);
  channelRoutes(router, deps);
  postRoutes(router, deps);
  systemRoutes(router, deps);

  app.use(requestLog(deps.log, deps.version));
  app.use(httpMetrics(deps.metrics));
  app.use(errors(deps.log, deps.metrics));
  app.use(staticFiles({ webDir: opts.webDir, webDistDir: opts.webDistDir, plugins: deps.plugins }));
  app.use(readBody((ctx) => (ctx.path.startsWith('/plugins/') ? opts.maxPluginBodyBytes : opts.maxApiBodyBytes)));
  app.use(authenticate(deps.app.users));
  app.use(pluginProxy(deps.plugins));
  // Unmatched routes (after the router and its 405 check) become a JSON 404.
  app.use(async (ctx, next) => {
    await next();
    if (ctx.status === 404 && ctx.body == null) {
      throw new AppError(404, 'api.context.404.app_error', `Sorry, we could not find the page: ${ctx.method} ${ctx.path}`);
    }
  });
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () => new AppError(405, 'api.context.method_not_allowed.app_error', 'Method not allowed on this route.'),
      notImplemented: () => new AppError(501, 'api.context.not_implemented.app_error', 'Method not implemented.'),
    }),
  );
  return app;
}

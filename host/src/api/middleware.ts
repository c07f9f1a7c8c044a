import type Koa from 'koa';
import { randomUUID } from 'node:crypto';
import type { Users } from '../app/users.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Logger } from '../log.js';
import { AppError } from '../errors.js';
import { UniqueViolation } from '../store/index.js';
import { readAuthToken } from './auth-token.js';
import type { Ctx, HostState } from './context.js';
import { sendJson } from './context.js';

type Mw = Koa.Middleware<HostState>;

/** Request id (ours or the caller's X-Request-Id), version header, one log line per request. */
export function requestLog(log: Logger, version: string): Mw {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    ctx.state.requestId = /^[A-Za-z0-9-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    ctx.set('X-Version-Id', version);
    const started = performance.now();
    try {
      await next();
    } finally {
      const fields = {
        request_id: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status,
        ms: Math.round(performance.now() - started),
      };
      if (ctx.status >= 500) log.warn(fields, 'request failed');
      else log.debug(fields, 'request');
    }
  };
}

/** Counts and times requests by route pattern (bounded labels) and status. */
export function httpMetrics(metrics: HostMetrics): Mw {
  return async (ctx, next) => {
    const end = performance.now();
    try {
      await next();
    } finally {
      const c = ctx as Ctx & { _matchedRoute?: string | RegExp };
      const route = ctx.state.route ?? (typeof c._matchedRoute === 'string' ? c._matchedRoute : 'unmatched');
      metrics.httpRequests.inc({ method: ctx.method, route, status_code: String(ctx.status) });
      metrics.httpDuration.observe({ method: ctx.method, route }, (performance.now() - end) / 1000);
    }
  };
}

/** Turns every failure into Mattermost's `{id, message, status_code}` JSON, counted and (for 5xx) logged. */
export function errors(log: Logger, metrics: HostMetrics): Mw {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      let appErr: AppError;
      if (err instanceof AppError) appErr = err;
      else if (err instanceof UniqueViolation) appErr = new AppError(409, 'store.unique_violation', 'That already exists.');
      else if (typeof (err as { status?: unknown }).status === 'number' && (err as { expose?: boolean }).expose) {
        const e = err as { status: number; message: string };
        appErr = new AppError(e.status, 'api.context.http_error', e.message);
      } else {
        log.error({ err, request_id: ctx.state.requestId, path: ctx.path }, 'unhandled error');
        appErr = new AppError(500, 'api.context.internal_error', 'An internal error occurred. Check the server logs.');
      }
      metrics.httpErrors.inc({ status_code: String(appErr.statusCode), id: appErr.id });
      if (appErr.statusCode === 413) ctx.set('Connection', 'close');
      sendJson(ctx as Ctx, appErr.statusCode, appErr.toJSON(ctx.state.requestId));
    }
  };
}

/** Reads the body of unsafe methods into `state.rawBody`, refusing more than `limit` bytes with a 413. */
export function readBody(limit: (ctx: Ctx) => number): Mw {
  return async (ctx, next) => {
    if (['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(ctx.method) && !ctx.get('Content-Length')) return next();
    const max = limit(ctx as Ctx);
    const tooLarge = () =>
      new AppError(413, 'api.context.request_body_too_large.app_error', `Request body is larger than the limit of ${max} bytes.`);
    const declared = Number(ctx.get('Content-Length') || '0');
    if (declared > max) throw tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) throw tooLarge();
      chunks.push(chunk);
    }
    ctx.state.rawBody = Buffer.concat(chunks);
    return next();
  };
}

/** Resolves the session (header token or cookie) into `state.auth`; routes decide whether it is required. */
export function authenticate(users: Users): Mw {
  return async (ctx, next) => {
    const source = readAuthToken(ctx.req.headers);
    if (source) {
      const result = await users.authenticate(source.token);
      if (result) {
        const csrfOk =
          !source.viaCookie ||
          (!!result.session.csrf_token && ctx.get('X-CSRF-Token') === result.session.csrf_token) ||
          ctx.get('X-Requested-With') === 'XMLHttpRequest';
        ctx.state.auth = { ...result, viaCookie: source.viaCookie, csrfOk };
      }
    }
    return next();
  };
}

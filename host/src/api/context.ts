import type Koa from 'koa';
import type { z } from 'zod';
import type { App } from '../app/app.js';
import type { Hub } from '../websocket/hub.js';
import type { PluginManager } from '../plugins/plugin-manager.js';
import type { CommandRegistry } from '../plugins/commands.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Logger } from '../log.js';
import type { SessionRecord, UserRecord } from '../store/index.js';
import type { Actor } from '../app/permissions.js';
import type { ServerConfig } from '../plugin-rpc/protocol.js';
import { AppError, invalidBodyParam, invalidUrlParam, unauthorized } from '../errors.js';
import { isValidId } from '../ids.js';

export interface AuthInfo {
  session: SessionRecord;
  user: UserRecord;
  viaCookie: boolean;
  /** Cookie-authenticated unsafe requests must prove they come from our pages (CSRF header). */
  csrfOk: boolean;
}

export interface HostState {
  requestId: string;
  auth?: AuthInfo;
  /** Route label for metrics when the router did not match (static, plugin proxy, SPA). */
  route?: string;
  rawBody?: Buffer;
}

export type Ctx = Koa.ParameterizedContext<HostState> & { params: Record<string, string> };

/** What route modules need from the host. */
export interface ApiDeps {
  app: App;
  hub: Hub;
  plugins: PluginManager;
  commands: CommandRegistry;
  metrics: HostMetrics;
  log: Logger;
  version: string;
  siteUrl: () => string;
  serverConfig: () => ServerConfig;
  sessionLengthMs: number;
}

/** JSON with exactly `Content-Type: application/json` (Client4 compares the header verbatim). */
export function sendJson(ctx: Ctx, status: number, value: unknown): void {
  ctx.status = status;
  ctx.set('Content-Type', 'application/json');
  ctx.body = JSON.stringify(value);
}

/** The request body parsed as JSON and validated; 400 with the first problem otherwise. */
export function parseBody<S extends z.ZodType>(ctx: Ctx, schema: S, what = 'body'): z.infer<S> {
  const raw = ctx.state.rawBody;
  let value: unknown;
  try {
    value = raw && raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
  } catch (err) {
    throw new AppError(400, 'api.context.invalid_body_param.app_error', `Malformed JSON in request body: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || what;
    throw invalidBodyParam(path, issue?.message ?? '');
  }
  return parsed.data;
}

export function requireAuth(ctx: Ctx): AuthInfo {
  const auth = ctx.state.auth;
  if (!auth) throw unauthorized();
  if (auth.viaCookie && !auth.csrfOk && !['GET', 'HEAD', 'OPTIONS'].includes(ctx.method)) {
    throw new AppError(401, 'api.context.csrf_token.app_error', 'Missing or invalid CSRF token (send X-CSRF-Token or X-Requested-With: XMLHttpRequest).');
  }
  return auth;
}

export function actorOf(auth: AuthInfo): Actor {
  return { userId: auth.user.id, roles: auth.user.roles };
}

/** A 26-character id from the URL; `me` stands for the caller where `allowMe`. */
export function idParam(ctx: Ctx, name: string, allowMe = false): string {
  const v = ctx.params[name];
  if (allowMe && v === 'me') return requireAuth(ctx).user.id;
  if (!isValidId(v)) throw invalidUrlParam(name);
  return v;
}

export function pageParams(ctx: Ctx, maxPerPage = 200): { page: number; perPage: number } {
  const page = intQuery(ctx, 'page', 0, 0, 100_000);
  const perPage = intQuery(ctx, 'per_page', 60, 1, maxPerPage);
  return { page, perPage };
}

export function intQuery(ctx: Ctx, name: string, dflt: number, min: number, max: number): number {
  const raw = ctx.query[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  if (!Number.isSafeInteger(n) || n < min) throw new AppError(400, 'api.context.invalid_url_param.app_error', `Invalid ${name} parameter.`);
  return Math.min(n, max);
}

export function stringQuery(ctx: Ctx, name: string): string | undefined {
  const raw = ctx.query[name];
  const v = Array.isArray(raw) ? raw[0] : raw;
  return v === undefined || v === '' ? undefined : v;
}

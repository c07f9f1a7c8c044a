// The HTTP routes of rtcd (shared/reference/rtcd.md §2): thin handlers over the auth service, the SFU and
// the system monitors. Shapes, status codes and messages follow the reference.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AuthError, type AuthService, type Identity } from '../auth/index.js';
import type { RtcdConfig } from '../config/types.js';
import type { MetricsAccess } from '../metrics/access.js';
import { renderMetrics } from '../metrics/exposition.js';
import { sessionConfigToJSON } from '../protocol/session-config.js';
import type { SfuBackend } from '../service/sfu-backend.js';
import type { CpuLoadMonitor } from '../system/cpu-load.js';
import { getVersionInfo } from '../system/version.js';
import { HttpError, readStringMap, sendEnvelope, sendJson, sendText } from './http-util.js';

export interface ApiDeps {
  config: RtcdConfig;
  logger: Logger;
  registry: Registry;
  auth: AuthService;
  sfu: SfuBackend;
  cpu: CpuLoadMonitor;
  metricsAccess: MetricsAccess;
  /** false while draining. */
  isReady(): boolean;
}

/** Runs an envelope-style handler: AuthError/HttpError become `{code, error}` with their status. */
async function envelope(ctx: Context, log: Logger, handler: string, fn: () => Promise<{ status: number; data: Record<string, string> }>) {
  const remoteAddr = ctx.req.socket?.remoteAddress;
  try {
    const { status, data } = await fn();
    log.debug({ handler, code: status, remoteAddr, status: 'success' }, handler);
    sendEnvelope(ctx, status, data);
  } catch (err) {
    if (!(err instanceof AuthError || err instanceof HttpError)) throw err;
    log.debug({ handler, code: err.status, remoteAddr, err: err.message, status: 'fail' }, handler);
    sendEnvelope(ctx, err.status, {}, err.message);
  }
}

export function createRouter(deps: ApiDeps): Router {
  const { auth, config, logger: log } = deps;
  const security = config.api.security;
  const router = new Router();
  const versionInfo = getVersionInfo();

  router.get('/version', (ctx) => sendJson(ctx, versionInfo));
  router.get('/system', (ctx) => sendJson(ctx, { cpu_load: deps.cpu.load }));

  router.get('/live', (ctx) => sendJson(ctx, { live: true }));
  router.get('/ready', (ctx) => {
    const ready = deps.isReady();
    sendJson(ctx, { ready }, ready ? 200 : 503);
  });

  router.post('/register', (ctx) =>
    envelope(ctx, log, 'registerClient', async () => {
      if (!security.allowSelfRegistration) await auth.authorize(ctx.get('authorization') || undefined);
      const body = await readStringMap(ctx);
      const clientID = body.clientID ?? '';
      await auth.register(clientID, body.authKey ?? '');
      log.info({ clientID }, 'registered new client');
      return { status: 201, data: { clientID } };
    }),
  );

  router.post('/unregister', (ctx) =>
    envelope(ctx, log, 'unregisterClient', async () => {
      if (!security.enableAdmin && !security.allowSelfRegistration) {
        log.warn('/unregister was called, but enable_admin and allow_self_registration are both false');
        throw new HttpError(403, 'unregister not enabled');
      }
      const who: Identity = await auth.authorize(ctx.get('authorization') || undefined);
      const body = await readStringMap(ctx);
      const clientID = body.clientID ?? '';
      if (!clientID) throw new HttpError(400, 'client id should not be empty');
      if (!who.admin && who.clientID !== clientID) throw new HttpError(403, 'client id not valid');
      auth.unregister(clientID);
      log.info({ clientID }, 'unregistered client');
      return { status: 200, data: {} };
    }),
  );

  router.post('/login', (ctx) =>
    envelope(ctx, log, 'loginClient', async () => {
      const body = await readStringMap(ctx);
      const token = await auth.login(body.clientID ?? '', body.authKey ?? '');
      return { status: 200, data: { bearerToken: token } };
    }),
  );

  // The admin identity has no clientID, so it cannot see any group's sessions (as the reference).
  async function sessionClient(ctx: Context): Promise<string | undefined> {
    try {
      const who = await auth.authorize(ctx.get('authorization') || undefined);
      if (who.clientID) return who.clientID;
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      log.warn({ err: err.message, remoteAddr: ctx.req.socket?.remoteAddress }, 'failed to authenticate');
    }
    sendText(ctx, 401, 'unauthorized');
    return undefined;
  }

  router.get('/calls/:callID/sessions', async (ctx) => {
    const clientID = await sessionClient(ctx);
    if (clientID === undefined) return;
    try {
      sendJson(ctx, deps.sfu.getSessionConfigs(clientID, ctx.params.callID!).map(sessionConfigToJSON));
    } catch (err) {
      sendText(ctx, 404, `failed to get session configs: ${(err as Error).message}`);
    }
  });

  router.get('/calls/:callID/sessions/:sessionID', async (ctx) => {
    const clientID = await sessionClient(ctx);
    if (clientID === undefined) return;
    try {
      sendJson(ctx, sessionConfigToJSON(deps.sfu.getSessionConfig(clientID, ctx.params.callID!, ctx.params.sessionID!)));
    } catch (err) {
      sendText(ctx, 404, `failed to get session config: ${(err as Error).message}`);
    }
  });

  router.all('/metrics', async (ctx) => {
    const refused = deps.metricsAccess.check(ctx.req.socket.remoteAddress, ctx.get('authorization') || undefined);
    if (refused) {
      log.warn({ remoteAddr: ctx.req.socket.remoteAddress, reason: refused }, 'metrics request refused');
      sendText(ctx, 403, 'forbidden');
      return;
    }
    ctx.type = deps.registry.contentType;
    ctx.body = await renderMetrics(deps.registry);
  });

  return router;
}

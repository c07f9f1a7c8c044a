// The HTTP(S) listener of rtcd: Koa for the routes, and WebSocket upgrades on /ws handed to the WS server
// before Koa sees them. Timeouts as the reference (read 30 s, write 60 s, idle 30 s).
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import Koa from 'koa';
import type { Logger } from 'pino';
import { parseListenAddress } from '../config/validate.js';
import type { RtcdConfig } from '../config/types.js';
import { HttpError, sendText } from './http-util.js';
import { requestMetrics } from './request-metrics.js';
import { createRouter, type ApiDeps } from './routes.js';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export class ApiServer {
  readonly app = new Koa();
  readonly http: Server;
  private readonly log: Logger;

  constructor(deps: ApiDeps, onUpgrade: UpgradeHandler) {
    this.log = deps.logger;
    const tls = deps.config.api.http.tls;
    this.app.proxy = false; // remote address is the socket's: X-Forwarded-For is not trusted for /metrics access
    this.app.use(requestMetrics(deps.registry));
    this.app.use(async (ctx, next) => {
      try {
        await next();
      } catch (err) {
        const status = err instanceof HttpError ? err.status : 500;
        if (status === 500) this.log.error({ err, path: ctx.path }, 'request failed');
        sendText(ctx, status, status === 500 ? 'internal error' : (err as Error).message);
      }
    });
    const router = createRouter(deps);
    this.app.use(router.routes());
    // Go's ServeMux answers both unknown paths and wrong methods with a plain 404.
    this.app.use((ctx) => sendText(ctx, 404, '404 page not found'));
    this.app.on('error', (err: Error) => this.log.debug({ err: err.message }, 'http error'));

    const handler = this.app.callback();
    this.http = tls.enable
      ? createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.certKey), minVersion: 'TLSv1.2', ecdhCurve: 'P-256' }, handler)
      : createHttpServer(handler);
    this.http.requestTimeout = 30_000;
    this.http.headersTimeout = 30_000;
    this.http.keepAliveTimeout = 30_000;
    this.http.setTimeout(60_000);
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://x').pathname === '/ws') onUpgrade(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    this.http.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
  }

  /** Listens on `api.http.listen_address`; resolves with the bound address. */
  async listen(listenAddress: RtcdConfig['api']['http']['listenAddress']): Promise<{ host: string; port: number }> {
    const { host, port } = parseListenAddress(listenAddress);
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    const addr = this.http.address();
    if (addr === null || typeof addr === 'string') throw new Error('unexpected listen address');
    return { host: addr.address, port: addr.port };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeIdleConnections();
    });
  }
}

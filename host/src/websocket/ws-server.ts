import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { Logger } from '../log.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Users, AuthResult } from '../app/users.js';
import { isValidId } from '../ids.js';
import { isSameOrigin, readAuthToken } from '../api/auth-token.js';
import type { Hub } from './hub.js';
import type { WebConn } from './web-conn.js';
import { decodeRequest, FrameError, type WebSocketRequest } from './frames.js';

export const WEBSOCKET_PATH = '/api/v4/websocket';
const MAX_QUEUED_FRAMES = 256;

/** Handles a request an authenticated connection sent (core actions and plugin actions). */
export type RequestHandler = (conn: WebConn, req: WebSocketRequest) => void;

export interface WsServerOptions {
  maxFrameBytes: number;
  authTimeoutMs: number;
  /** Interval of protocol-level pings; a socket that misses two is considered dead. */
  pingIntervalMs: number;
}

/** Upgrades `/api/v4/websocket`, authenticates (cookie, header, or authentication_challenge) and pumps frames. */
export class WsServer {
  private readonly wss: WebSocketServer;
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly pinger: NodeJS.Timeout;

  constructor(
    private readonly hub: Hub,
    private readonly users: Users,
    private readonly onRequest: RequestHandler,
    private readonly log: Logger,
    private readonly metrics: HostMetrics,
    private readonly opts: WsServerOptions,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes, perMessageDeflate: false });
    this.pinger = setInterval(() => this.pingAll(), opts.pingIntervalMs);
    this.pinger.unref();
  }

  /** The http server's 'upgrade' listener. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://host');
    if (url.pathname !== WEBSOCKET_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    socket.on('error', () => undefined);
    void this.authenticateUpgrade(req).then(
      (auth) => this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, url, auth)),
      (err: unknown) => {
        this.log.error({ err }, 'websocket upgrade failed');
        socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      },
    );
  }

  close(): void {
    clearInterval(this.pinger);
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private async authenticateUpgrade(req: IncomingMessage): Promise<AuthResult | undefined> {
    const source = readAuthToken(req.headers);
    if (!source) return undefined;
    // A cookie from another site's page must not open a socket as the user (cross-site WebSocket hijacking).
    if (source.viaCookie && !isSameOrigin(req.headers)) return undefined;
    return this.users.authenticate(source.token);
  }

  private accept(ws: WebSocket, req: IncomingMessage, url: URL, initialAuth: AuthResult | undefined): void {
    this.alive.set(ws, true);
    ws.on('pong', () => this.alive.set(ws, true));
    const resume = this.resumeParams(url);
    let conn: WebConn | undefined;
    let authTimer: NodeJS.Timeout | undefined;
    const remote = { remote_address: req.socket.remoteAddress ?? '', x_forwarded_for: String(req.headers['x-forwarded-for'] ?? '') };

    const start = (auth: AuthResult) => {
      conn = this.hub.attach(ws, auth.user.id, auth.session.id, resume);
    };
    if (initialAuth) start(initialAuth);
    else {
      authTimer = setTimeout(() => {
        this.metrics.wsBadRequests.inc({ reason: 'unauthenticated' });
        ws.close(1008, 'authentication timeout');
      }, this.opts.authTimeoutMs);
    }

    // Frames are handled one at a time so that a slow authentication cannot reorder what follows it;
    // a client that piles up frames faster than that is cut off.
    let chain: Promise<void> = Promise.resolve();
    let queued = 0;
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      if (++queued > MAX_QUEUED_FRAMES) {
        this.metrics.wsBadRequests.inc({ reason: 'flood' });
        ws.close(1008, 'too many requests in flight');
        return;
      }
      chain = chain
        .then(() => this.onFrame(ws, raw, isBinary, () => conn, start, remote))
        .then(
          (authed) => {
            if (authed && authTimer) {
              clearTimeout(authTimer);
              authTimer = undefined;
            }
          },
          (err: unknown) => this.log.error({ err }, 'websocket frame handling failed'),
        )
        .finally(() => queued--);
    });
    ws.on('error', (err: Error & { code?: string }) => {
      const reason = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'too_large' : 'protocol';
      this.metrics.wsBadRequests.inc({ reason });
      this.log.info({ err: err.message, reason }, 'websocket protocol error: socket closed');
    });
    ws.on('close', () => {
      if (authTimer) clearTimeout(authTimer);
      if (conn) this.hub.detach(conn, ws);
    });
  }

  private resumeParams(url: URL): { connectionId: string; sequence: number } | undefined {
    const connectionId = url.searchParams.get('connection_id') ?? '';
    if (!isValidId(connectionId)) return undefined;
    const sequence = Number(url.searchParams.get('sequence_number') ?? '');
    if (!Number.isSafeInteger(sequence) || sequence < 0) return undefined;
    return { connectionId, sequence };
  }

  /** Returns true when this frame authenticated the socket. */
  private async onFrame(
    ws: WebSocket,
    raw: RawData,
    isBinary: boolean,
    getConn: () => WebConn | undefined,
    start: (auth: AuthResult) => void,
    remote: Record<string, string>,
  ): Promise<boolean> {
    if (ws.readyState !== ws.OPEN) return false;
    const buf = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
    let req: WebSocketRequest;
    try {
      req = decodeRequest(buf, isBinary);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      this.metrics.wsBadRequests.inc({ reason: 'malformed' });
      this.log.info({ reason: err.message }, 'malformed websocket frame: socket closed');
      ws.close(1007, `malformed websocket request: ${err.message}`.slice(0, 120));
      return false;
    }
    const conn = getConn();
    if (!conn) {
      if (req.action !== 'authentication_challenge') {
        this.metrics.wsBadRequests.inc({ reason: 'unauthenticated' });
        ws.send(JSON.stringify(failure(req.seq, 'api.web_socket_router.not_authenticated.app_error', 'You must authenticate first (authentication_challenge).', 401)));
        return false;
      }
      const token = typeof req.data.token === 'string' ? req.data.token : '';
      const auth = await this.users.authenticate(token);
      if (!auth) {
        this.metrics.wsBadRequests.inc({ reason: 'unauthenticated' });
        ws.send(JSON.stringify(failure(req.seq, 'api.web_socket_router.bad_token.app_error', 'Invalid or expired token.', 401)));
        ws.close(1008, 'authentication failed');
        return false;
      }
      ws.send(JSON.stringify({ status: 'OK', seq_reply: req.seq }));
      start(auth);
      return true;
    }
    if (!conn.takeToken()) {
      this.metrics.wsBadRequests.inc({ reason: 'rate_limited' });
      conn.reply(failure(req.seq, 'api.web_socket_router.rate_limited', 'Too many requests on this connection.', 429));
      return false;
    }
    if (req.action.startsWith('custom_')) Object.assign(req.data, remote);
    this.onRequest(conn, req);
    return false;
  }

  private pingAll(): void {
    for (const ws of this.wss.clients) {
      if (this.alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      ws.ping();
    }
  }
}

export function failure(seq: number, id: string, message: string, statusCode: number): Record<string, unknown> {
  return { status: 'FAIL', seq_reply: seq, error: { id, message, status_code: statusCode } };
}

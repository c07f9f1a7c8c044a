// The /ws endpoint: authenticates the upgrade (Basic or Bearer, as the HTTP API), opens a WsConnection
// with a fresh connID, counts connections, and hands binary frames to the service. Text frames are
// ignored and counted; oversized frames (> 1 MiB) close the link and are counted.
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { AuthError, type AuthService } from '../auth/index.js';
import { MAX_FRAME_BYTES } from '../protocol/framing.js';
import { newConnID } from './conn-id.js';
import { PING_INTERVAL_MS, WsConnection } from './ws-connection.js';
import type { WsMetrics } from './ws-metrics.js';

export interface WsServerEvents {
  open: [WsConnection];
  frame: [WsConnection, Buffer];
  close: [WsConnection];
}

export interface WsServerOptions {
  auth: AuthService;
  logger: Logger;
  metrics: WsMetrics;
  pingIntervalMs?: number;
  /** Upper bound on simultaneous links (default 10000); links stay accepted while draining so plugins can leave. */
  maxConnections?: number;
}

export class WsServer extends EventEmitter<WsServerEvents> {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  readonly connections = new Map<string, WsConnection>();
  private readonly log: Logger;

  constructor(private readonly opts: WsServerOptions) {
    super();
    this.log = opts.logger;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'ws upgrade socket error'));
    const refuse = (status: number, text: string) => {
      if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\nConnection: close\r\n\r\n${text}`);
      else socket.destroy();
    };
    if ((this.opts.maxConnections ?? 10_000) <= this.connections.size) {
      this.log.warn('ws connection refused: too many connections');
      refuse(503, 'Service Unavailable');
      return;
    }
    this.opts.auth.authorize(req.headers.authorization).then(
      (who) => {
        if (socket.destroyed) return;
        this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, who.clientID));
      },
      (err: unknown) => {
        if (!(err instanceof AuthError)) this.log.error({ err }, 'ws auth error');
        this.log.warn({ remoteAddr: req.socket.remoteAddress, err: (err as Error).message }, 'ws authentication failed');
        refuse(401, 'Unauthorized');
      },
    );
  }

  private accept(ws: import('ws').WebSocket, clientID: string): void {
    const conn = new WsConnection(newConnID(), clientID, ws, this.opts.pingIntervalMs ?? PING_INTERVAL_MS);
    this.connections.set(conn.connID, conn);
    this.opts.metrics.connectionOpened(clientID);
    this.log.debug({ connID: conn.connID, clientID }, 'connect');
    conn.on('binary', (data) => this.emit('frame', conn, data));
    conn.on('text', () => {
      this.opts.metrics.error(clientID, 'text_frame');
      this.log.warn({ connID: conn.connID, clientID, errType: 'text_frame' }, 'unexpected text message');
    });
    conn.on('error', (err) => {
      const errType = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'too_large' : 'malformed';
      this.opts.metrics.error(clientID, errType);
      this.log.warn({ connID: conn.connID, clientID, errType, err: err.message }, 'ws read error, closing connection');
    });
    conn.on('close', () => {
      this.connections.delete(conn.connID);
      this.opts.metrics.connectionClosed(clientID);
      this.log.debug({ connID: conn.connID, clientID }, 'disconnect');
      this.emit('close', conn);
    });
    this.emit('open', conn);
  }

  /** Closes every link (shutdown). */
  async close(): Promise<void> {
    const pending = [...this.connections.values()].map(
      (c) => new Promise<void>((resolve) => {
        c.once('close', () => resolve());
        c.close();
      }),
    );
    await Promise.all(pending);
    this.wss.close();
  }
}

// One plugin↔rtcd WebSocket link. Keepalive as the reference: a ping every 10 s, and the link is dropped
// when no pong arrived for 2 × 10 s (data frames do not count as liveness). Outbound frames go through a
// bounded queue: past it, frames are dropped and reported instead of buffering without limit.
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';

export const PING_INTERVAL_MS = 10_000;
export const MAX_QUEUED_FRAMES = 5000;
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export interface WsConnectionEvents {
  binary: [Buffer];
  text: [];
  /** A protocol error from the socket (e.g. an oversized frame), before `close`. */
  error: [Error & { code?: string }];
  close: [code: number, reason: string];
}

export class WsConnection extends EventEmitter<WsConnectionEvents> {
  private queued = 0;
  private lastPong = Date.now();
  private readonly pinger: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly connID: string,
    /** The authenticated client (the session group); '' for the admin identity. */
    readonly clientID: string,
    private readonly ws: WebSocket,
    private readonly pingIntervalMs = PING_INTERVAL_MS,
  ) {
    super();
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        this.emit('text');
        return;
      }
      this.emit('binary', Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
    });
    ws.on('pong', () => {
      this.lastPong = Date.now();
    });
    ws.on('error', (err) => this.emit('error', err));
    ws.on('close', (code, reason) => {
      this.closed = true;
      clearInterval(this.pinger);
      this.emit('close', code, reason.toString());
    });
    this.pinger = setInterval(() => this.keepalive(), this.pingIntervalMs);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  private keepalive(): void {
    if (Date.now() - this.lastPong > 2 * this.pingIntervalMs) {
      this.ws.terminate();
      return;
    }
    this.ws.ping();
  }

  /** Queues one binary frame; false when the link is closed or its queue is full (the frame is dropped). */
  send(frame: Uint8Array): boolean {
    if (this.closed) return false;
    if (this.queued >= MAX_QUEUED_FRAMES || this.ws.bufferedAmount > MAX_BUFFERED_BYTES) return false;
    this.queued++;
    this.ws.send(frame, { binary: true }, () => {
      this.queued--;
    });
    return true;
  }

  close(code = 1001, reason = 'server shutting down'): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    // a peer that never answers the close handshake must not hold shutdown
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }
}

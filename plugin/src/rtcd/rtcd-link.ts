// One WebSocket connection from the plugin to one rtcd address: Basic auth on the upgrade, `hello`, msgpack
// frames through the shared codec, ping/pong keepalive and a bounded send queue. A link never reconnects
// by itself: when it closes, its RtcdHost decides what happens next.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { type ClientMessage, MAX_FRAME_BYTES, ProtocolError, decodeClientMessage, encodeClientMessage } from '@calls-ts/rtcd/protocol';
import { pinnedLookup } from './http-api.js';
import type { RtcdMetrics } from './metrics.js';

export type LinkFailure = 'unauthorized' | 'unreachable' | 'handshake';

/** Why a connection attempt failed; `unauthorized` means rtcd does not know these credentials. */
export class RtcdLinkError extends Error {
  override readonly name = 'RtcdLinkError';
  constructor(
    readonly kind: LinkFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface RtcdLinkEvents {
  /** A decoded, validated message from rtcd (never `hello`: that is consumed by the link). */
  message: [ClientMessage];
  /** The link is closed for good; `byUs` when close() was called. */
  close: [reason: string, byUs: boolean];
}

export interface RtcdLinkOptions {
  wsURL: string;
  ip: string;
  authorization: string;
  clientID: string;
  metrics: RtcdMetrics;
  log: Logger;
  /** Dial + upgrade + hello budget (the reference dials with a 4 s timeout). */
  connectTimeoutMs?: number;
  /** rtcd pings every 10 s and drops a link after 20 s without pong; we watch the other direction alike. */
  pingIntervalMs?: number;
  /** Frames handed to the socket and not yet written; beyond it, sends are dropped and counted. */
  maxQueuedFrames?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 4000;
const DEFAULT_PING_INTERVAL_MS = 10_000;
// rtcd's own per-link send queue is 5000 messages; the plugin side uses the same bound.
const DEFAULT_MAX_QUEUED_FRAMES = 5000;
// Bad frames are counted one by one but logged sparingly, so a misbehaving peer cannot flood the log.
const LOGGED_BAD_FRAMES = 10;
// Messages held between hello and the owner's resume(): a few at most in practice.
const MAX_BACKLOG = 1000;

export class RtcdLink extends EventEmitter<RtcdLinkEvents> {
  connID = '';
  private queued = 0;
  private lastSeen = Date.now();
  private pingTimer: NodeJS.Timeout | undefined;
  private closedBy: 'us' | 'peer' | undefined;
  private badFrames = 0;
  /**
   * Messages that arrive before the owner listens: frames that follow `hello` in the same TCP chunk are
   * emitted synchronously, before open()'s promise lets the owner subscribe. Emptied by resume().
   */
  private backlog: ClientMessage[] | undefined = [];

  private constructor(
    private readonly ws: WebSocket,
    private readonly opts: RtcdLinkOptions,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.closedBy === undefined && this.ws.readyState === WebSocket.OPEN;
  }

  /** Connects and waits for rtcd's `hello`. Rejects with RtcdLinkError. */
  static open(opts: RtcdLinkOptions): Promise<RtcdLink> {
    const timeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const ws = new WebSocket(opts.wsURL, {
      headers: { authorization: opts.authorization },
      lookup: pinnedLookup(opts.ip),
      handshakeTimeout: timeoutMs,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
    });
    const link = new RtcdLink(ws, opts);
    return new Promise<RtcdLink>((resolve, reject) => {
      let settled = false;
      const fail = (err: RtcdLinkError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        reject(err);
      };
      const timer = setTimeout(() => fail(new RtcdLinkError('unreachable', `no hello from rtcd at ${opts.ip} within ${timeoutMs} ms`)), timeoutMs);
      ws.once('unexpected-response', (_req, res) => {
        // Our rtcd answers 401; the reference answers an empty 200 without upgrading.
        const status = res.statusCode ?? 0;
        res.resume();
        const kind: LinkFailure = status === 401 || status === 403 || status === 200 ? 'unauthorized' : 'handshake';
        fail(new RtcdLinkError(kind, `rtcd at ${opts.ip} refused the WebSocket (${status})${kind === 'unauthorized' ? ': unknown client or wrong key' : ''}`));
      });
      ws.once('error', (err) => fail(new RtcdLinkError('unreachable', `cannot reach rtcd at ${opts.ip}: ${err.message}`)));
      ws.once('close', (code) => fail(new RtcdLinkError('unreachable', `rtcd at ${opts.ip} closed the connection before hello (${code})`)));
      ws.on('message', (data, isBinary) => {
        if (settled) return;
        const msg = link.decode(data as Buffer, isBinary);
        if (msg?.type !== 'hello') return;
        settled = true;
        clearTimeout(timer);
        ws.removeAllListeners();
        link.connID = msg.data.connID;
        link.attach();
        resolve(link);
      });
    });
  }

  private attach(): void {
    const { ws, opts } = this;
    const { metrics } = opts;
    metrics.linkOpened(opts.clientID);
    this.lastSeen = Date.now();
    ws.on('message', (data, isBinary) => {
      this.lastSeen = Date.now();
      const msg = this.decode(data as Buffer, isBinary);
      if (!msg) return;
      if (this.backlog) {
        if (this.backlog.length < MAX_BACKLOG) this.backlog.push(msg);
        else metrics.error('inbound_dropped');
      } else this.emit('message', msg);
    });
    ws.on('ping', () => (this.lastSeen = Date.now()));
    ws.on('pong', () => (this.lastSeen = Date.now()));
    ws.on('error', (err) => opts.log.debug({ host: opts.ip, err: err.message }, 'rtcd link error'));
    ws.on('close', (code, reason) => this.finish(`closed (${code}${reason.length ? ` ${reason.toString().slice(0, 100)}` : ''})`));
    const interval = opts.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastSeen > 2 * interval) {
        opts.metrics.error('keepalive');
        opts.log.warn({ host: opts.ip }, 'rtcd stopped answering pings, dropping the link');
        ws.terminate();
        return;
      }
      ws.ping();
    }, interval);
    this.pingTimer.unref();
  }

  private decode(data: Buffer, isBinary: boolean): ClientMessage | undefined {
    const { metrics, clientID } = this.opts;
    if (!isBinary) {
      this.badFrame('malformed', 'text frame from rtcd ignored');
      return undefined;
    }
    let msg: ClientMessage;
    try {
      msg = decodeClientMessage(data);
    } catch (err) {
      this.badFrame('malformed', err instanceof ProtocolError ? err.message : String(err));
      return undefined;
    }
    metrics.message(clientID, msg.type, 'in');
    if (msg.type === 'join' || msg.type === 'leave' || msg.type === 'reconnect') {
      this.badFrame('unexpected_type', `rtcd sent a ${msg.type} message, which only the plugin sends`);
      return undefined;
    }
    return msg;
  }

  private badFrame(type: 'malformed' | 'unexpected_type', detail: string): void {
    this.opts.metrics.error(type);
    if (++this.badFrames <= LOGGED_BAD_FRAMES) this.opts.log.warn({ host: this.opts.ip, detail }, 'bad frame from rtcd');
  }

  /** Starts delivering `message` events (first the ones that arrived since hello). */
  resume(): void {
    const queued = this.backlog;
    this.backlog = undefined;
    for (const msg of queued ?? []) this.emit('message', msg);
  }

  /** Queues one message; false when it was dropped (link closed, or too many frames waiting). */
  send(msg: ClientMessage): boolean {
    const { metrics, clientID } = this.opts;
    if (!this.isOpen || this.queued >= (this.opts.maxQueuedFrames ?? DEFAULT_MAX_QUEUED_FRAMES)) {
      metrics.error('send_dropped');
      return false;
    }
    this.queued++;
    this.ws.send(encodeClientMessage(msg), { binary: true }, () => this.queued--);
    metrics.message(clientID, msg.type, 'out');
    return true;
  }

  close(): void {
    if (this.closedBy) return;
    this.ws.close(1000);
    // A peer that does not complete the closing handshake must not keep the socket around.
    setTimeout(() => this.ws.terminate(), 1000).unref();
    this.finish('closed by the plugin', true);
  }

  private finish(reason: string, byUs = false): void {
    if (this.closedBy) return;
    this.closedBy = byUs ? 'us' : 'peer';
    clearInterval(this.pingTimer);
    this.opts.metrics.linkClosed(this.opts.clientID);
    this.emit('close', reason, byUs);
  }
}

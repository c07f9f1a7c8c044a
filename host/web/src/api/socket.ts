// The shell's one WebSocket to /api/v4/websocket, speaking Mattermost's protocol: session cookie auth,
// `hello` with the connection id, events `{event, data, broadcast, seq}` checked against the expected
// sequence number, requests `{action, seq, data}` answered by `{status, seq_reply}`, pings to detect a dead
// link, and reconnects with `connection_id` + `sequence_number` so the server can replay what we missed.
// Requests go as JSON text frames, or as msgpack binary frames (what Calls uses for SDP).
import { decode, encode } from '@msgpack/msgpack';
import { Emitter } from '../util/emitter.js';

export type WebSocketBroadcast = {
  omit_users?: Record<string, boolean> | null;
  user_id: string;
  channel_id: string;
  team_id: string;
  connection_id?: string;
};

export type WebSocketMessage<T = Record<string, unknown>> = {
  event: string;
  data: T;
  broadcast: WebSocketBroadcast;
  seq: number;
};

export type WebSocketReply = {
  status: 'OK' | 'FAIL';
  seq_reply: number;
  data?: unknown;
  error?: { id?: string; message?: string };
};

export type SocketStatus = 'connecting' | 'connected' | 'disconnected' | 'closed';

export type ConnectInfo = {
  connectionId: string;
  /** From the last `hello` (a resumed connection gets none). */
  serverVersion: string;
  /** True after a reconnect, false for the first connection of this socket. */
  reconnected: boolean;
  /** True when the server resumed our connection id (missed events replayed, none lost). */
  resumed: boolean;
};

type SocketEvents = {
  message: WebSocketMessage;
  connected: ConnectInfo;
  status: SocketStatus;
};

export type SocketOptions = {
  pingIntervalMs?: number;
  minRetryMs?: number;
  maxRetryMs?: number;
  requestTimeoutMs?: number;
};

// Close codes of Mattermost's client, so server logs read the same.
const CLOSE_PING_TIMEOUT = 4000;
const CLOSE_SEQ_MISMATCH = 4001;
const MAX_PENDING_REPLIES = 512;
const MAX_FRAME_CHARS = 4 * 1024 * 1024;

type Pending = { resolve: (reply: WebSocketReply) => void; timer: ReturnType<typeof setTimeout> };

export class ShellSocket extends Emitter<SocketEvents> {
  private readonly url: string;
  private readonly opts: Required<SocketOptions>;
  private conn: WebSocket | null = null;
  private status: SocketStatus = 'disconnected';
  private requestSeq = 1;
  private serverSeq = 0;
  private connId = '';
  private serverVersion = '';
  private failCount = 0;
  /** Set while a reconnected socket has not yet shown whether the server resumed us. */
  private awaitingResume = false;
  private hadConnection = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private waitingForPong = false;
  private closedByUser = false;
  private readonly pending = new Map<number, Pending>();
  /** Frames that could not be parsed (dropped); shown in the System Console for diagnosis. */
  badFrames = 0;

  constructor(url: string, opts: SocketOptions = {}) {
    super();
    this.url = url;
    this.opts = {
      pingIntervalMs: opts.pingIntervalMs ?? 30_000,
      minRetryMs: opts.minRetryMs ?? 1_000,
      maxRetryMs: opts.maxRetryMs ?? 30_000,
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
    };
  }

  /** The id from the last `hello`; Calls uses the original one as its session id. */
  get connectionId(): string {
    return this.connId;
  }

  get currentStatus(): SocketStatus {
    return this.status;
  }

  connect(): void {
    if (this.conn || this.closedByUser) return;
    this.setStatus('connecting');
    const params = new URLSearchParams({ connection_id: this.connId, sequence_number: String(this.serverSeq) });
    const ws = new WebSocket(`${this.url}?${params}`);
    ws.binaryType = 'arraybuffer';
    this.conn = ws;
    ws.onopen = () => {
      this.failCount = 0;
      // A resumed connection gets no hello: the server sends a new hello only when it could not resume, and
      // writes it before anything else, so the first frame (at the latest the reply to our ping) settles it.
      this.awaitingResume = this.hadConnection;
      this.startPings();
    };
    ws.onmessage = (ev) => this.onFrame(ev.data);
    ws.onclose = () => this.onClosed(ws);
    ws.onerror = () => {
      // The close event follows and drives the reconnect; nothing else to do here.
    };
  }

  /** Closes for good (log out): no reconnect, pending requests fail. */
  close(): void {
    this.closedByUser = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopPings();
    const ws = this.conn;
    this.conn = null;
    if (ws) {
      ws.onclose = null;
      ws.close(1000, 'client closed');
    }
    this.failPending('the connection was closed');
    this.setStatus('closed');
    window.removeEventListener('online', this.onOnline);
  }

  /** Sends a request as a JSON text frame; the reply (if any) goes to `onReply`. Returns false when offline. */
  sendMessage(action: string, data?: unknown, onReply?: (reply: WebSocketReply) => void): boolean {
    return this.send(action, data, false, onReply);
  }

  /** Sends a request as a msgpack binary frame (Mattermost accepts both framings). */
  sendBinaryMessage(action: string, data?: unknown, onReply?: (reply: WebSocketReply) => void): boolean {
    return this.send(action, data, true, onReply);
  }

  /** Promise form of sendMessage; rejects when offline or after the request timeout. */
  request(action: string, data?: unknown, binary = false): Promise<WebSocketReply> {
    return new Promise((resolve, reject) => {
      const sent = this.send(action, data, binary, (reply) => {
        if (reply.status === 'OK') resolve(reply);
        else reject(new Error(reply.error?.message ?? `${action} failed`));
      });
      if (!sent) reject(new Error('not connected'));
    });
  }

  private send(action: string, data: unknown, binary: boolean, onReply?: (reply: WebSocketReply) => void): boolean {
    const ws = this.conn;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    const seq = this.requestSeq++;
    const msg = { action, seq, data: data ?? {} };
    if (onReply) this.track(seq, onReply);
    ws.send(binary ? encode(msg) : JSON.stringify(msg));
    return true;
  }

  private track(seq: number, onReply: (reply: WebSocketReply) => void): void {
    if (this.pending.size >= MAX_PENDING_REPLIES) {
      const oldest = this.pending.keys().next().value as number;
      this.settle(oldest, { status: 'FAIL', seq_reply: oldest, error: { message: 'too many requests waiting' } });
    }
    const timer = setTimeout(
      () => this.settle(seq, { status: 'FAIL', seq_reply: seq, error: { message: 'no reply in time' } }),
      this.opts.requestTimeoutMs,
    );
    this.pending.set(seq, { resolve: onReply, timer });
  }

  private settle(seq: number, reply: WebSocketReply): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    clearTimeout(p.timer);
    try {
      p.resolve(reply);
    } catch (err) {
      console.error('websocket reply handler failed', err);
    }
  }

  private failPending(message: string): void {
    for (const seq of [...this.pending.keys()]) this.settle(seq, { status: 'FAIL', seq_reply: seq, error: { message } });
  }

  private onFrame(raw: unknown): void {
    let msg: Record<string, unknown>;
    try {
      if (typeof raw === 'string') {
        if (raw.length > MAX_FRAME_CHARS) throw new Error('frame too large');
        msg = JSON.parse(raw) as Record<string, unknown>;
      } else {
        msg = decode(new Uint8Array(raw as ArrayBuffer)) as Record<string, unknown>;
      }
      if (!msg || typeof msg !== 'object') throw new Error('not an object');
    } catch (err) {
      this.badFrames++;
      console.warn('websocket: dropped a frame that could not be parsed', err);
      return;
    }
    if (this.awaitingResume && msg.event !== 'hello') {
      // The server spoke without a hello first: it resumed our connection.
      this.awaitingResume = false;
      this.announce(true, true);
    }
    if (typeof msg.seq_reply === 'number') {
      this.settle(msg.seq_reply, msg as unknown as WebSocketReply);
      return;
    }
    if (typeof msg.event !== 'string') {
      this.badFrames++;
      return;
    }
    const event = msg as unknown as WebSocketMessage;
    if (event.event === 'hello') this.onHello(event);
    if (event.seq !== this.serverSeq) {
      // A gap: reconnect with our id and sequence so the server replays from where we are.
      console.warn(`websocket: missed events (got seq ${event.seq}, expected ${this.serverSeq}); reconnecting`);
      this.forceReconnect(CLOSE_SEQ_MISMATCH);
      return;
    }
    this.serverSeq = event.seq + 1;
    if (!event.data || typeof event.data !== 'object') event.data = {};
    if (!event.broadcast || typeof event.broadcast !== 'object') {
      event.broadcast = { user_id: '', channel_id: '', team_id: '' };
    }
    this.emit('message', event);
  }

  private onHello(msg: WebSocketMessage): void {
    const newId = typeof msg.data.connection_id === 'string' ? msg.data.connection_id : '';
    const reconnected = this.hadConnection;
    const resumed = reconnected && newId !== '' && newId === this.connId;
    // A new id after a reconnect means the server could not resume: its event stream starts over.
    if (this.connId !== '' && newId !== this.connId) this.serverSeq = 0;
    this.connId = newId;
    if (typeof msg.data.server_version === 'string') this.serverVersion = msg.data.server_version;
    this.awaitingResume = false;
    this.announce(reconnected, resumed);
  }

  private announce(reconnected: boolean, resumed: boolean): void {
    this.hadConnection = true;
    this.setStatus('connected');
    this.emit('connected', { connectionId: this.connId, serverVersion: this.serverVersion, reconnected, resumed });
  }

  private onClosed(ws: WebSocket): void {
    if (this.conn !== ws) return;
    this.conn = null;
    this.handleDisconnect();
  }

  private handleDisconnect(): void {
    this.stopPings();
    this.awaitingResume = false;
    this.failPending('the connection was lost');
    if (this.closedByUser) return;
    this.setStatus('disconnected');
    this.failCount++;
    // Back off linearly with jitter, so a restarting server is not hit by every tab at once.
    const base = Math.min(this.opts.maxRetryMs, this.opts.minRetryMs * this.failCount);
    const delay = this.failCount === 1 ? Math.random() * 300 : base + Math.random() * 500;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
    window.addEventListener('online', this.onOnline);
  }

  private readonly onOnline = (): void => {
    window.removeEventListener('online', this.onOnline);
    if (this.conn || this.closedByUser) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  };

  private forceReconnect(code: number): void {
    const ws = this.conn;
    if (!ws) return;
    // Closing can take a while to report; act on it now and ignore the late close event.
    ws.onclose = null;
    try {
      ws.close(code);
    } catch {
      // Already closing.
    }
    this.conn = null;
    this.failCount = 0;
    this.handleDisconnect();
  }

  private startPings(): void {
    this.stopPings();
    const ping = () => {
      this.waitingForPong = true;
      this.sendMessage('ping', {}, (reply) => {
        // A timed-out or failed ping must not count as a pong, or a dead link would never be noticed.
        if (reply.status === 'OK') this.waitingForPong = false;
      });
    };
    ping();
    this.pingTimer = setInterval(() => {
      if (this.waitingForPong) {
        console.warn('websocket: no pong in time; reconnecting');
        this.forceReconnect(CLOSE_PING_TIMEOUT);
        return;
      }
      ping();
    }, this.opts.pingIntervalMs);
  }

  private stopPings(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.waitingForPong = false;
  }

  private setStatus(status: SocketStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', status);
  }
}

import type { WebSocket } from 'ws';
import { newId } from '../ids.js';
import type { WebSocketEvent } from './events.js';
import { WsEvents, makeBroadcast } from './events.js';

/** Events kept per connection for replay after a reconnect (Mattermost keeps 128). */
export const DEAD_QUEUE_SIZE = 128;
/** A socket that has this much unsent data is too slow to keep up: it is closed (the client resumes). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export type ResumeResult = 'success' | 'lossless' | 'failure';

interface Sent {
  seq: number;
  text: string;
}

/**
 * One logical client connection. It outlives its socket: while the client is away, events are still
 * numbered and kept (up to DEAD_QUEUE_SIZE), and a reconnect with `connection_id` + `sequence_number`
 * replays the missed ones on the new socket. If the wanted sequence is gone, the client gets a new
 * connection id and a fresh `hello` (so it knows to resync), as Mattermost does.
 */
export class WebConn {
  connectionId = newId();
  socket: WebSocket | null = null;
  inactiveSince = 0;
  private nextSeq = 0;
  private readonly sent: Sent[] = [];
  private tokens: number;
  private lastRefill = Date.now();

  constructor(
    readonly userId: string,
    public sessionId: string,
    private readonly serverVersion: string,
    private readonly rate: { perSecond: number; burst: number },
    private readonly onSlow: (conn: WebConn) => void,
  ) {
    this.tokens = rate.burst;
  }

  get active(): boolean {
    return this.socket !== null;
  }

  /** Attaches a brand new socket: hello with seq 0. */
  start(socket: WebSocket): void {
    this.socket = socket;
    this.sendHello();
  }

  /** Attaches a reconnecting socket that says it has seen every event before `sequence`. */
  resume(socket: WebSocket, sequence: number): ResumeResult {
    this.socket = socket;
    this.inactiveSince = 0;
    if (sequence === this.nextSeq) return 'lossless';
    const oldest = this.sent[0]?.seq;
    if (oldest !== undefined && sequence >= oldest && sequence < this.nextSeq) {
      for (const s of this.sent) if (s.seq >= sequence) this.write(s.text);
      return 'success';
    }
    this.connectionId = newId();
    this.nextSeq = 0;
    this.sent.length = 0;
    this.sendHello();
    return 'failure';
  }

  detach(socket: WebSocket): boolean {
    if (this.socket !== socket) return false;
    this.socket = null;
    this.inactiveSince = Date.now();
    return true;
  }

  /** Numbers, records and (if a socket is attached) sends an event. */
  send(event: WebSocketEvent): void {
    const text = JSON.stringify({ event: event.event, data: event.data, broadcast: event.broadcast, seq: this.nextSeq });
    this.sent.push({ seq: this.nextSeq, text });
    if (this.sent.length > DEAD_QUEUE_SIZE) this.sent.shift();
    this.nextSeq++;
    if (this.socket) this.write(text);
  }

  /** Replies to a request (`seq_reply`); replies are not numbered nor replayed. */
  reply(payload: Record<string, unknown>): void {
    if (this.socket) this.write(JSON.stringify(payload));
  }

  /** Token bucket for incoming requests. */
  takeToken(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.lastRefill) / 1000) * this.rate.perSecond);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private sendHello(): void {
    this.send({
      event: WsEvents.Hello,
      data: { connection_id: this.connectionId, server_version: this.serverVersion, server_hostname: '' },
      broadcast: makeBroadcast({ userId: this.userId }),
    });
  }

  private write(text: string): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.onSlow(this);
      return;
    }
    socket.send(text);
  }
}

// One user's presence in a call as this process sees it: the WebSocket link it is reached through (the
// connection id changes on reconnect; the session id, the original connection id, does not), the incoming
// message queue (bounded, rate limited, processed in order), and the timer that ends the session when the
// WebSocket stays away longer than the reconnect window.
import { EventEmitter } from 'node:events';
import { TokenBucket } from '../util/token-bucket.js';
import type { ClientMessage } from '../signaling/client-messages.js';

/**
 * Why a session ended. `leave`, `ws_timeout`, `kicked` (host removal): close its media and remove it from the
 * call. `rtc_closed`: the media side ended it; remove it from the call. `discarded`: whoever ended it has
 * already dealt with the call state (failed join, call clean-up). `shutdown`: the process is stopping.
 */
export type SessionEndReason = 'leave' | 'ws_timeout' | 'kicked' | 'rtc_closed' | 'discarded' | 'shutdown';

export interface UserSessionEvents {
  /** The session is over for good (never emitted on reconnect). */
  end: [reason: SessionEndReason];
  /** Whether a live WebSocket link carries the session (the websocket_connections gauge). */
  link: [up: boolean];
}

export type EnqueueResult = 'ok' | 'rate_limited' | 'queue_full' | 'ended';

export const MSG_QUEUE_SIZE = 100;
/** The reference's per-session limiter: 10 messages/s, burst 100. */
export const MSG_RATE = { perSecond: 10, burst: 100 };
/** How long a session survives without its WebSocket (wsReconnectionTimeout). */
export const RECONNECT_WINDOW_MS = 10_000;

type Handler = (session: UserSession, msg: ClientMessage) => Promise<void>;

export class UserSession extends EventEmitter<UserSessionEvents> {
  /** The current WebSocket connection id. */
  connID: string;
  private readonly queue: ClientMessage[] = [];
  private readonly limiter = new TokenBucket(MSG_RATE.perSecond, MSG_RATE.burst);
  private draining = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private linkUp = false;
  private endedReason: SessionEndReason | undefined;

  constructor(
    readonly userID: string,
    readonly channelID: string,
    readonly callID: string,
    /** The session id: the connection id the user joined with. */
    readonly originalConnID: string,
    connID: string,
    /** The media node of the call (rtcd host), undefined when embedded. */
    readonly mediaHost: string | undefined,
    private readonly handler: Handler,
    private readonly reconnectWindowMs = RECONNECT_WINDOW_MS,
  ) {
    super();
    this.connID = connID;
  }

  get ended(): boolean {
    return this.endedReason !== undefined;
  }

  get endReason(): SessionEndReason | undefined {
    return this.endedReason;
  }

  /** Waiting for the WebSocket to come back. */
  get disconnected(): boolean {
    return this.reconnectTimer !== undefined;
  }

  /** Queues a message for in-order processing; refuses it when flooding or when the queue is full. */
  enqueue(msg: ClientMessage): EnqueueResult {
    if (this.ended) return 'ended';
    if (!this.limiter.allow()) return 'rate_limited';
    if (this.queue.length >= MSG_QUEUE_SIZE) return 'queue_full';
    this.queue.push(msg);
    if (!this.draining) void this.drain();
    return 'ok';
  }

  /** Counts a message against the rate limit without queueing it (handled inline). */
  allow(): boolean {
    return !this.ended && this.limiter.allow();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let msg = this.queue.shift(); msg && !this.ended; msg = this.queue.shift()) {
        await this.handler(this, msg);
      }
    } finally {
      this.draining = false;
    }
  }

  /** The WebSocket is (again) connected through `connID`. */
  attach(connID: string): void {
    if (this.ended) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.connID = connID;
    this.setLink(true);
  }

  /** The WebSocket went away: the session ends unless it reconnects within the window. */
  detach(): void {
    if (this.ended || this.reconnectTimer) return;
    this.setLink(false);
    this.reconnectTimer = setTimeout(() => this.end('ws_timeout'), this.reconnectWindowMs);
  }

  /** Ends the session (once); `end` listeners do the clean-up. */
  end(reason: SessionEndReason): void {
    if (this.ended) return;
    this.endedReason = reason;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.queue.length = 0;
    this.setLink(false);
    this.emit('end', reason);
  }

  private setLink(up: boolean): void {
    if (this.linkUp === up) return;
    this.linkUp = up;
    this.emit('link', up);
  }
}

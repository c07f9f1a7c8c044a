import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import type { Store } from '../store/index.js';
import type { Logger } from '../log.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { BroadcastTarget, EventPublisher, WebSocketEvent } from './events.js';
import { makeBroadcast } from './events.js';
import { WebConn, type ResumeResult } from './web-conn.js';

export interface HubOptions {
  serverVersion: string;
  /** How long a disconnected connection is kept for a resume (Mattermost: minutes). */
  reconnectWindowMs: number;
  /** Bound on events waiting to be fanned out. */
  maxQueuedEvents: number;
  requestRate: { perSecond: number; burst: number };
}

export interface HubEvents {
  /** A socket was attached to a connection (new or resumed): the OnWebSocketConnect hook. */
  connect: [connectionId: string, userId: string];
  /** A socket went away: the OnWebSocketDisconnect hook. */
  disconnect: [connectionId: string, userId: string];
}

interface Job {
  event: WebSocketEvent;
  target: BroadcastTarget;
  done: () => void;
}

/**
 * The WebSocket hub: indexes connections by id and user, and fans events out to them in publish order.
 * Channel and team targets are resolved against the store when the event's turn comes, so membership
 * changes and events stay ordered.
 */
export class Hub extends EventEmitter<HubEvents> implements EventPublisher {
  private readonly conns = new Map<string, WebConn>();
  private readonly byUser = new Map<string, Set<WebConn>>();
  private readonly queue: Job[] = [];
  private draining = false;
  private readonly reaper: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly metrics: HostMetrics,
    private readonly opts: HubOptions,
  ) {
    super();
    this.reaper = setInterval(() => this.reap(), Math.max(1000, Math.min(60_000, opts.reconnectWindowMs / 2)));
    this.reaper.unref();
  }

  /** Attaches an authenticated socket, resuming `connectionId` when it belongs to this user. */
  attach(socket: WebSocket, userId: string, sessionId: string, resume?: { connectionId: string; sequence: number }): WebConn {
    let conn = resume ? this.conns.get(resume.connectionId) : undefined;
    if (conn && conn.userId !== userId) conn = undefined;
    if (conn) {
      // A client reconnecting before we noticed its old socket died: the old socket is stale.
      const old = conn.socket;
      if (old) {
        this.detach(conn, old);
        old.close(4000, 'replaced by a newer connection');
      }
      const previousId = conn.connectionId;
      conn.sessionId = sessionId;
      const result: ResumeResult = conn.resume(socket, resume!.sequence);
      if (conn.connectionId !== previousId) {
        this.conns.delete(previousId);
        this.conns.set(conn.connectionId, conn);
      }
      this.metrics.wsReconnects.inc({ type: result });
    } else {
      if (resume) this.metrics.wsReconnects.inc({ type: 'failure' });
      conn = new WebConn(userId, sessionId, this.opts.serverVersion, this.opts.requestRate, (c) => this.slow(c));
      this.conns.set(conn.connectionId, conn);
      let set = this.byUser.get(userId);
      if (!set) this.byUser.set(userId, (set = new Set()));
      set.add(conn);
      conn.start(socket);
    }
    this.metrics.wsConnections.inc();
    this.emit('connect', conn.connectionId, userId);
    return conn;
  }

  /** The socket closed: keep the connection for a resume, tell the plugins. */
  detach(conn: WebConn, socket: WebSocket): void {
    if (!conn.detach(socket)) return;
    this.metrics.wsConnections.dec();
    this.emit('disconnect', conn.connectionId, conn.userId);
  }

  get(connectionId: string): WebConn | undefined {
    return this.conns.get(connectionId);
  }

  isUserConnected(userId: string): boolean {
    for (const c of this.byUser.get(userId) ?? []) if (c.active) return true;
    return false;
  }

  publish(event: string, data: Record<string, unknown>, target: BroadcastTarget): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.queue.length >= this.opts.maxQueuedEvents) {
      this.metrics.wsDropped.inc({ queue: 'broadcast' });
      this.log.warn({ event, queued: this.queue.length }, 'websocket broadcast queue full: event dropped');
      return Promise.resolve();
    }
    return new Promise<void>((done) => {
      this.queue.push({ event: { event, data, broadcast: makeBroadcast(target) }, target, done });
      if (!this.draining) void this.drain();
    });
  }

  /** Closes every socket of a session (logout). */
  closeSession(sessionId: string): void {
    for (const conn of this.conns.values()) {
      if (conn.sessionId === sessionId) {
        conn.socket?.close(4003, 'session ended');
        this.forget(conn);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    for (const conn of this.conns.values()) conn.socket?.close(1001, 'server shutting down');
    for (const job of this.queue.splice(0)) job.done();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        try {
          await this.deliver(job);
        } catch (err) {
          this.log.error({ err, event: job.event.event }, 'websocket broadcast failed');
        } finally {
          job.done();
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async recipients(t: BroadcastTarget): Promise<Iterable<WebConn>> {
    if (t.connectionId) {
      const c = this.conns.get(t.connectionId);
      return c ? [c] : [];
    }
    let userIds: Iterable<string> | undefined;
    if (t.userId) userIds = [t.userId];
    else if (t.channelId) userIds = await this.store.channels.memberIds(t.channelId);
    else if (t.teamId) userIds = await this.store.teams.memberIds(t.teamId);
    if (!userIds) return [...this.conns.values()];
    const out: WebConn[] = [];
    for (const u of userIds) for (const c of this.byUser.get(u) ?? []) out.push(c);
    return out;
  }

  private async deliver(job: Job): Promise<void> {
    const { target, event } = job;
    const omit = new Set(target.omitUsers ?? []);
    const type = event.event.startsWith('custom_') ? 'custom' : event.event;
    this.metrics.wsEvents.inc({ type });
    for (const conn of await this.recipients(target)) {
      if (target.omitConnectionId && conn.connectionId === target.omitConnectionId) continue;
      if (omit.has(conn.userId)) continue;
      conn.send(event);
    }
  }

  private slow(conn: WebConn): void {
    this.metrics.wsDropped.inc({ queue: 'socket' });
    this.log.warn({ connection_id: conn.connectionId, user_id: conn.userId }, 'websocket client too slow: closing its socket');
    conn.socket?.close(1013, 'client too slow');
  }

  private forget(conn: WebConn): void {
    this.conns.delete(conn.connectionId);
    const set = this.byUser.get(conn.userId);
    set?.delete(conn);
    if (set && set.size === 0) this.byUser.delete(conn.userId);
  }

  private reap(): void {
    const cutoff = Date.now() - this.opts.reconnectWindowMs;
    for (const conn of this.conns.values()) if (!conn.active && conn.inactiveSince < cutoff) this.forget(conn);
  }
}

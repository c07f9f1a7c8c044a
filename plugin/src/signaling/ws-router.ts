// The entry point of client WebSocket messages (WebSocketMessageHasBeenPosted): parse and validate, count,
// apply the per-session rate limit, then either handle at once (join, reconnect, leave, call_state, metric)
// or queue on the session. What is refused is dropped and counted in websocket_messages_dropped_total;
// failed joins/reconnects and broken SDP also get the `error` event, which tells the client its call is off.
import type { WebSocketRequest } from '@calls-ts/host/plugin-rpc';
import type { Logger } from '../log.js';
import type { PluginMetrics, WsDropReason } from '../metrics/metrics.js';
import type { SessionManager } from '../calls/session-manager.js';
import type { ClientMessageHandler } from '../calls/message-handler.js';
import { CallError } from '../calls/call-service.js';
import { parseClientMessage, type ClientMessage } from './client-messages.js';
import type { CallsEvents } from './events.js';

/** Types that may arrive on a connection without a call session. */
const SESSIONLESS = new Set(['join', 'leave', 'reconnect', 'call_state']);
/** Invalid messages of these types end the client's call attempt: tell it. */
const FATAL_WHEN_INVALID = new Set(['join', 'reconnect', 'sdp']);

/** Messages a client sends right after `reconnect`, before the session is re-attached, wait (bounded). */
const MAX_PENDING = 100;

export class WsRouter {
  private readonly pendingReconnects = new Map<string, ClientMessage[]>();

  constructor(
    private readonly sessions: SessionManager,
    private readonly handler: ClientMessageHandler,
    private readonly events: CallsEvents,
    private readonly metrics: PluginMetrics,
    private readonly log: Logger,
  ) {}

  /** Counted always; logged at debug only, so that a flooding client cannot flood the logs too. */
  private drop(reason: WsDropReason, fields: Record<string, unknown>, msg: string): void {
    this.metrics.wsDropped.inc({ reason });
    this.log.debug({ ...fields, reason }, msg);
  }

  private fail(connID: string, err: unknown, fields: Record<string, unknown>): void {
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof CallError)) this.log.error({ ...fields, err: message }, 'calls request failed');
    else this.log.info({ ...fields, err: message }, 'calls request refused');
    this.events.publish('error', { data: message, connID }, { connectionId: connID });
  }

  onMessage(connID: string, userID: string, req: WebSocketRequest): void {
    const parsed = parseClientMessage(req);
    const fields = { conn_id: connID, user_id: userID };
    switch (parsed.kind) {
      case 'ignore':
        return;
      case 'unknown':
        return this.drop('unknown_action', { ...fields, action: parsed.action }, 'unknown calls action dropped');
      case 'invalid':
        this.drop('invalid', { ...fields, type: parsed.type, err: parsed.error }, 'invalid calls message dropped');
        if (FATAL_WHEN_INVALID.has(parsed.type)) this.events.publish('error', { data: `invalid ${parsed.type}: ${parsed.error}`, connID }, { connectionId: connID });
        return;
      case 'ok':
        return this.route(connID, userID, parsed.msg, fields);
    }
  }

  private route(connID: string, userID: string, msg: ClientMessage, fields: Record<string, unknown>): void {
    const session = this.sessions.byConn(connID);
    const pending = this.pendingReconnects.get(connID);
    if (!session && pending && !SESSIONLESS.has(msg.type)) {
      if (pending.length >= MAX_PENDING) return this.drop('queue_full', { ...fields, type: msg.type }, 'calls message dropped while reconnecting');
      pending.push(msg);
      return;
    }
    if (!session && !SESSIONLESS.has(msg.type)) return this.drop('no_session', { ...fields, type: msg.type }, 'calls message without a call session dropped');
    if (session && session.userID !== userID) return this.drop('invalid', { ...fields, type: msg.type }, 'calls message from another user on this connection dropped');
    this.metrics.wsEvents.inc({ direction: 'in', type: msg.type });
    const inline = SESSIONLESS.has(msg.type) || msg.type === 'metric';
    if (inline) {
      if (session && !session.allow()) return this.drop('rate_limited', { ...fields, type: msg.type }, 'calls message rate limited');
      switch (msg.type) {
        case 'join':
          this.sessions.join(connID, userID, msg).catch((err: unknown) => this.fail(connID, err, fields));
          return;
        case 'reconnect':
          this.pendingReconnects.set(connID, []);
          this.sessions.reconnect(connID, userID, msg).then(
            () => this.flushPending(connID),
            (err: unknown) => {
              this.pendingReconnects.delete(connID);
              this.fail(connID, err, fields);
            },
          );
          return;
        case 'leave':
          this.sessions.leave(connID);
          return;
        case 'call_state':
          this.handler.callState(connID, userID, msg.channelID).catch((err: unknown) => {
            this.metrics.wsDropped.inc({ reason: 'refused' });
            this.log.debug({ ...fields, err: (err as Error).message }, 'call_state request refused');
          });
          return;
        case 'metric':
          this.metrics.iceCandidatePairs.inc({
            state: msg.pair.state, local_type: msg.pair.local.type, local_protocol: msg.pair.local.protocol,
            remote_type: msg.pair.remote.type, remote_protocol: msg.pair.remote.protocol,
          });
          return;
      }
    }
    const result = session!.enqueue(msg);
    if (result === 'rate_limited' || result === 'queue_full') this.drop(result, { ...fields, type: msg.type }, `calls message dropped (${result})`);
  }

  private flushPending(connID: string): void {
    const queued = this.pendingReconnects.get(connID) ?? [];
    this.pendingReconnects.delete(connID);
    const session = this.sessions.byConn(connID);
    for (const msg of queued) {
      const result = session?.enqueue(msg) ?? 'ended';
      if (result !== 'ok') this.drop(result === 'ended' ? 'no_session' : result, { conn_id: connID, type: msg.type }, 'calls message dropped after reconnect');
    }
  }

  onDisconnect(connID: string): void {
    this.pendingReconnects.delete(connID);
    this.sessions.webSocketDisconnected(connID);
  }

  onConnect(connID: string): void {
    this.sessions.webSocketConnected(connID);
  }
}

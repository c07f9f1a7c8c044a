// Handles protocol messages between the WS links and the SFU (the reference's handleClientMsg and
// handleRTCMsg). Every rejected frame or message is counted in rtcd_ws_errors_total and logged; nothing
// here throws back into the socket layer.
import type { Logger } from 'pino';
import { MessageType, type RtcMessage, type SessionCloseReason, type SessionConfig } from '../rtc/types.js';
import { ProtocolError } from '../protocol/framing.js';
import { type ClientMessage, decodeClientMessage, encodeClientMessage } from '../protocol/messages.js';
import type { WsConnection } from '../ws/ws-connection.js';
import type { WsErrorType, WsMetrics } from '../ws/ws-metrics.js';
import type { SfuBackend } from './sfu-backend.js';
import { SessionRouter } from './session-router.js';

/** Inbound frames waiting to be handled on one link (the reference's channel holds 2000 messages). */
export const MAX_PENDING_FRAMES = 2000;

export interface MessageHandlerOptions {
  sfu: SfuBackend;
  metrics: WsMetrics;
  logger: Logger;
  connections: ReadonlyMap<string, WsConnection>;
  /** false while draining: joins are refused. */
  acceptingSessions(): boolean;
}

export class MessageHandler {
  readonly router = new SessionRouter();
  private readonly log: Logger;
  private readonly queues = new Map<WsConnection, { tail: Promise<void>; pending: number }>();

  constructor(private readonly opts: MessageHandlerOptions) {
    this.log = opts.logger;
    opts.sfu.on('message', (msg) => this.onSfuMessage(msg));
    opts.sfu.on('sessionClosed', (cfg, reason) => this.onSessionClosed(cfg, reason));
  }

  private reject(conn: WsConnection, type: WsErrorType, message: string, extra: Record<string, unknown> = {}): void {
    this.opts.metrics.error(conn.clientID, type);
    this.log.warn({ connID: conn.connID, clientID: conn.clientID, errType: type, ...extra }, message);
  }

  sendHello(conn: WsConnection): void {
    conn.send(encodeClientMessage({ type: 'hello', data: { clientID: conn.clientID, connID: conn.connID } }));
  }

  /**
   * Queues a frame of a link. Frames of one link are handled in order (a join completes before the offer
   * that follows it is routed, as the reference's single reader goroutine does); links run independently.
   */
  enqueue(conn: WsConnection, frame: Buffer): void {
    const q = this.queues.get(conn) ?? { tail: Promise.resolve(), pending: 0 };
    if (q.pending >= MAX_PENDING_FRAMES) {
      this.reject(conn, 'inbound_queue_full', 'too many frames pending on this link, frame dropped');
      return;
    }
    q.pending++;
    q.tail = q.tail
      .then(() => this.onFrame(conn, frame))
      .finally(() => {
        if (--q.pending === 0 && this.queues.get(conn) === q) this.queues.delete(conn);
      });
    this.queues.set(conn, q);
  }

  /** One binary frame from a plugin link. */
  async onFrame(conn: WsConnection, frame: Buffer): Promise<void> {
    let msg: ClientMessage;
    try {
      msg = decodeClientMessage(frame);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.reject(conn, err.reason, 'failed to handle message', { err: err.message });
      return;
    }
    this.opts.metrics.message(conn.clientID, msg.type, 'in');
    try {
      await this.dispatch(conn, msg);
    } catch (err) {
      this.log.error({ err, connID: conn.connID, type: msg.type }, 'unexpected error handling message');
    }
  }

  private async dispatch(conn: WsConnection, msg: ClientMessage): Promise<void> {
    switch (msg.type) {
      case 'join': {
        const d = msg.data;
        if (!this.opts.acceptingSessions()) {
          this.reject(conn, 'draining', 'join refused: rtcd is shutting down', { sessionID: d.sessionID });
          return;
        }
        const props: SessionConfig['props'] = {};
        if (d.channelID !== undefined) props.channelID = d.channelID;
        if (d.av1Support !== undefined) props.av1Support = d.av1Support;
        if (d.dcSignaling !== undefined) props.dcSignaling = d.dcSignaling;
        // groupID is the authenticated client, whatever the message says
        const cfg: SessionConfig = { groupID: conn.clientID, callID: d.callID, userID: d.userID, sessionID: d.sessionID, props };
        if (!cfg.groupID) {
          this.reject(conn, 'join_failed', 'join refused: the admin identity has no client id', { sessionID: d.sessionID });
          return;
        }
        if (this.router.get(d.sessionID)) {
          this.reject(conn, 'join_failed', 'join refused: session already exists', { sessionID: d.sessionID });
          return;
        }
        // routed before initSession resolves: the SFU may emit messages for the session right away
        this.router.add(cfg, conn.connID);
        try {
          await this.opts.sfu.initSession(cfg);
          this.log.debug({ sessionCfg: cfg }, 'join message');
        } catch (err) {
          this.router.remove(d.sessionID);
          this.reject(conn, 'join_failed', 'failed to initialize rtc session', { sessionID: d.sessionID, err: (err as Error).message });
        }
        return;
      }
      case 'reconnect': {
        if (!this.router.owned(msg.data.sessionID, conn.clientID)) {
          this.reject(conn, 'unknown_session', 'reconnect for an unknown session', { sessionID: msg.data.sessionID });
          return;
        }
        this.router.reroute(msg.data.sessionID, conn.connID);
        this.log.debug({ sessionID: msg.data.sessionID, connID: conn.connID }, 'reconnect message, updated route');
        return;
      }
      case 'leave': {
        if (!this.router.owned(msg.data.sessionID, conn.clientID)) {
          this.reject(conn, 'unknown_session', 'leave for an unknown session', { sessionID: msg.data.sessionID });
          return;
        }
        try {
          await this.opts.sfu.closeSession(msg.data.sessionID);
        } catch (err) {
          this.reject(conn, 'leave_failed', 'failed to close session', { sessionID: msg.data.sessionID, err: (err as Error).message });
        }
        return;
      }
      case 'rtc': {
        const s = this.router.owned(msg.data.sessionID, conn.clientID);
        if (!s) {
          this.reject(conn, 'unknown_session', 'rtc message for an unknown session', { sessionID: msg.data.sessionID });
          return;
        }
        const out: RtcMessage = { ...msg.data, groupID: s.cfg.groupID, callID: s.cfg.callID, userID: s.cfg.userID };
        try {
          this.opts.sfu.send(out);
        } catch (err) {
          this.reject(conn, 'rtc_failed', 'failed to send rtc message', { sessionID: msg.data.sessionID, err: (err as Error).message });
        }
        return;
      }
      case 'hello':
      case 'close':
      case 'vad':
        this.reject(conn, 'unexpected_type', `unexpected ${msg.type} message from a client`);
        return;
    }
  }

  private onSfuMessage(msg: RtcMessage): void {
    let type: 'rtc' | 'vad';
    if (msg.type === MessageType.SDP || msg.type === MessageType.ICE) type = 'rtc';
    else if (msg.type === MessageType.VoiceOn || msg.type === MessageType.VoiceOff) type = 'vad';
    else {
      this.log.error({ type: msg.type, sessionID: msg.sessionID }, 'unexpected rtc message type from the SFU');
      return;
    }
    const s = this.router.get(msg.sessionID);
    const conn = s && this.opts.connections.get(s.routeConnID);
    if (!s || !conn) {
      this.opts.metrics.error(msg.groupID, 'no_route');
      this.log.debug({ sessionID: msg.sessionID, type }, 'no connection for session, message dropped');
      return;
    }
    if (!conn.send(encodeClientMessage({ type, data: msg }))) {
      this.opts.metrics.error(msg.groupID, 'send_queue_full');
      this.log.warn({ sessionID: msg.sessionID, connID: conn.connID }, 'send queue full, message dropped');
      return;
    }
    this.opts.metrics.message(msg.groupID, type, 'out');
  }

  private onSessionClosed(cfg: SessionConfig, reason: SessionCloseReason): void {
    const s = this.router.remove(cfg.sessionID);
    if (!s) return;
    // To the link captured at join, as the reference; when that link is gone (where the reference loses
    // the message) to the link that took the session over with `reconnect`.
    const conn = this.opts.connections.get(s.joinConnID) ?? this.opts.connections.get(s.routeConnID);
    this.log.debug({ sessionID: cfg.sessionID, connID: conn?.connID, reason }, 'session closed');
    if (!conn) return;
    conn.send(encodeClientMessage({ type: 'close', data: { sessionID: cfg.sessionID } }));
  }
}

// The life of call sessions on this process: join (handleJoin), reconnect, leave, WebSocket loss with its
// 10 s reconnect window, and the media side's messages (SDP/ICE back to the session's current connection,
// voice activity to the participants) and session closures. Per-message handling is in message-handler.ts.
import type { PluginAPI } from '@calls-ts/host/plugin-rpc';
import { MessageType, type RtcMessage } from '@calls-ts/rtcd/rtc';
import type { Logger } from '../log.js';
import type { MediaBackend } from '../media/media-backend.js';
import type { PluginMetrics } from '../metrics/metrics.js';
import type { ClientMessage } from '../signaling/client-messages.js';
import type { CallsEvents } from '../signaling/events.js';
import type { CallsStore } from '../store/calls-store.js';
import { CallError, type CallService } from './call-service.js';
import type { CallState } from './call-state.js';
import { SessionRegistry } from './session-registry.js';
import { UserSession, RECONNECT_WINDOW_MS, type SessionEndReason } from './user-session.js';

export const MEDIA_GROUP_ID = 'default';

type JoinMsg = Extract<ClientMessage, { type: 'join' }>;
type ReconnectMsg = Extract<ClientMessage, { type: 'reconnect' }>;
type MessageHandler = (session: UserSession, msg: ClientMessage) => Promise<void>;

export interface SessionManagerDeps {
  api: PluginAPI;
  calls: CallService;
  store: CallsStore;
  media: MediaBackend;
  events: CallsEvents;
  metrics: PluginMetrics;
  log: Logger;
  reconnectWindowMs?: number;
}

/** Connections that dropped while their join was in flight, remembered for one reconnect window (bounded). */
class RecentDisconnects {
  private readonly at = new Map<string, number>();
  constructor(private readonly windowMs: number) {}
  add(connID: string): void {
    if (this.at.size >= 10_000) this.at.delete(this.at.keys().next().value!);
    this.at.set(connID, Date.now());
  }
  delete(connID: string): void {
    this.at.delete(connID);
  }
  has(connID: string): boolean {
    const t = this.at.get(connID);
    if (t === undefined) return false;
    if (Date.now() - t > this.windowMs) {
      this.at.delete(connID);
      return false;
    }
    return true;
  }
}

export class SessionManager {
  readonly registry = new SessionRegistry();
  private readonly recentDisconnects: RecentDisconnects;
  private handler: MessageHandler = async () => undefined;
  private stopped = false;

  constructor(private readonly d: SessionManagerDeps) {
    this.recentDisconnects = new RecentDisconnects(d.reconnectWindowMs ?? RECONNECT_WINDOW_MS);
    d.media.on('message', (msg) => this.onMediaMessage(msg));
    d.media.on('sessionClosed', (id) => this.bySession(id)?.end('rtc_closed'));
  }

  /** Where queued client messages go (the ClientMessageHandler). */
  setMessageHandler(handler: MessageHandler): void {
    this.handler = handler;
  }

  byConn(connID: string): UserSession | undefined {
    return this.registry.byConnID(connID);
  }

  bySession(sessionID: string): UserSession | undefined {
    return this.registry.bySessionID(sessionID);
  }

  /** Joins (or starts) the call of a channel; every refusal is a CallError for the `error` event. */
  async join(connID: string, userID: string, m: JoinMsg): Promise<void> {
    if (this.stopped) throw new CallError('the calls service is stopping', 503);
    if (this.registry.byConnID(connID)) throw new CallError('session is already connected');
    // Members only; an archived channel is named as such (create_post alone would just say "forbidden").
    if (!(await this.d.api.hasPermissionToChannel(userID, m.channelID, 'read_channel'))) throw new CallError('forbidden', 403);
    const channel = await this.d.api.getChannel(m.channelID).catch(() => undefined);
    if (!channel) throw new CallError('channel not found', 404);
    if (channel.delete_at > 0) throw new CallError('cannot join call in archived channel');
    if (!(await this.d.api.hasPermissionToChannel(userID, m.channelID, 'create_post'))) throw new CallError('forbidden', 403);
    if (m.threadID) {
      const post = await this.d.api.getPost(m.threadID).catch(() => undefined);
      if (!post || post.channel_id !== m.channelID) throw new CallError('forbidden', 403);
      if (post.delete_at > 0) throw new CallError('cannot attach call to deleted thread');
      if (post.root_id) throw new CallError('thread is not a root post');
    }
    const callsChannel = await this.d.store.getCallsChannel(m.channelID);
    await this.d.calls.withCall(m.channelID, async (existing) => {
      const { state } = await this.d.calls.addUserSession(existing, {
        userID, sessionID: connID, channelID: m.channelID, channelType: channel.type, title: m.title, threadID: m.threadID,
        callsEnabled: callsChannel?.enabled,
      });
      const host = state.call.props.rtcd_host || undefined;
      const session = this.track(new UserSession(userID, m.channelID, state.call.id, connID, connID, host, this.handler, this.d.reconnectWindowMs));
      try {
        await this.d.media.initSession(
          { groupID: MEDIA_GROUP_ID, callID: state.call.id, userID, sessionID: connID, props: { channelID: m.channelID, av1Support: m.av1Support, dcSignaling: m.dcSignaling } },
          host,
        );
      } catch (err) {
        this.d.log.error({ err: (err as Error).message, session_id: connID }, 'media session could not start');
        session.end('discarded');
        await this.d.calls.removeUserSession(state, connID);
        throw new CallError(`failed to start the media session: ${(err as Error).message}`, 503);
      }
      this.announceJoin(state, session);
    });
  }

  private announceJoin(state: CallState, s: UserSession): void {
    this.d.events.publish('join', { connID: s.connID }, { connectionId: s.connID });
    this.d.events.publish('user_joined', { user_id: s.userID, session_id: s.originalConnID }, { channelId: s.channelID });
    this.d.events.publishCallState(s.channelID, state.clientState(s.userID), { userId: s.userID, channelId: s.channelID });
    if (this.recentDisconnects.has(s.connID)) s.detach();
    else s.attach(s.connID);
  }

  /** A new WebSocket connection takes over an existing session (originalConnID kept). */
  async reconnect(connID: string, userID: string, m: ReconnectMsg): Promise<void> {
    if (!(await this.d.api.hasPermissionToChannel(userID, m.channelID, 'create_post'))) throw new CallError('forbidden', 403);
    const state = await this.d.calls.loadState(m.channelID);
    if (!state) throw new CallError('no call ongoing');
    const stored = state.sessions.get(m.originalConnID);
    if (!stored || stored.user_id !== userID) throw new CallError('session not found in call state');
    let s = this.registry.byConnID(connID) ?? this.registry.byConnID(m.prevConnID) ?? this.registry.bySessionID(m.originalConnID);
    if (s && (s.userID !== userID || s.originalConnID !== m.originalConnID)) throw new CallError('forbidden', 403);
    const host = state.call.props.rtcd_host || undefined;
    if (!s) {
      // This process does not know the session (it restarted): it lives on in the call and on the media side.
      s = this.track(new UserSession(userID, m.channelID, state.call.id, m.originalConnID, connID, host, this.handler, this.d.reconnectWindowMs));
    }
    this.registry.rekey(s, connID);
    this.recentDisconnects.delete(connID);
    s.attach(connID);
    await this.d.media.reconnectSession(m.originalConnID, host);
  }

  leave(connID: string): void {
    this.registry.byConnID(connID)?.end('leave');
  }

  /** OnWebSocketDisconnect: the session waits for a reconnect before it ends. */
  webSocketDisconnected(connID: string): void {
    const s = this.registry.byConnID(connID);
    if (s) s.detach();
    else this.recentDisconnects.add(connID);
  }

  /** OnWebSocketConnect: a resumed connection (same id) carries its session again. */
  webSocketConnected(connID: string): void {
    this.recentDisconnects.delete(connID);
    const s = this.registry.byConnID(connID);
    if (s?.disconnected) s.attach(connID);
  }

  /** Re-creates the in-memory session of a call that survived a restart of this process (rtcd mode). */
  resume(state: CallState, sessionID: string): UserSession {
    const stored = state.sessions.get(sessionID)!;
    const s = this.track(
      new UserSession(stored.user_id, state.call.channel_id, state.call.id, sessionID, sessionID, state.call.props.rtcd_host || undefined, this.handler, this.d.reconnectWindowMs),
    );
    s.attach(sessionID);
    return s;
  }

  /** Closes a session's media; failures are logged (the session may already be gone there). */
  async closeMedia(sessionID: string, host: string | undefined): Promise<void> {
    try {
      await this.d.media.closeSession(sessionID, host);
    } catch (err) {
      this.d.log.debug({ err: (err as Error).message, session_id: sessionID }, 'media session close failed');
    }
  }

  /** Ends every session without touching call state (deactivation). */
  shutdown(): void {
    this.stopped = true;
    for (const s of this.registry.all()) s.end('shutdown');
  }

  private track(s: UserSession): UserSession {
    this.registry.add(s);
    s.on('link', (up) => (up ? this.d.metrics.wsConnections.inc() : this.d.metrics.wsConnections.dec()));
    s.once('end', (reason) => void this.onEnd(s, reason));
    return s;
  }

  private async onEnd(s: UserSession, reason: SessionEndReason): Promise<void> {
    this.registry.remove(s);
    if (reason === 'shutdown' || reason === 'discarded') return;
    if (reason !== 'rtc_closed') await this.closeMedia(s.originalConnID, s.mediaHost);
    try {
      await this.d.calls.withCall(s.channelID, async (state) => {
        if (state && state.call.id === s.callID) await this.d.calls.removeUserSession(state, s.originalConnID);
      });
    } catch (err) {
      this.d.log.error({ err: (err as Error).message, session_id: s.originalConnID }, 'failed to remove a session from its call');
    }
  }

  private onMediaMessage(msg: RtcMessage): void {
    const s = this.registry.bySessionID(msg.sessionID);
    if (!s) {
      this.d.log.debug({ session_id: msg.sessionID, type: msg.type }, 'media message for an unknown session');
      return;
    }
    if (msg.type === MessageType.VoiceOn || msg.type === MessageType.VoiceOff) {
      void this.publishVoice(s, msg.type === MessageType.VoiceOn);
      return;
    }
    this.d.events.publish('signal', { data: Buffer.from(msg.data ?? new Uint8Array()).toString('utf8'), connID: s.originalConnID }, { connectionId: s.connID });
  }

  private async publishVoice(s: UserSession, on: boolean): Promise<void> {
    try {
      const sessions = await this.d.store.getCallSessions(s.callID);
      const userIds = [...new Set([...sessions.values()].map((x) => x.user_id))];
      this.d.events.publish(on ? 'user_voice_on' : 'user_voice_off', { userID: s.userID, session_id: s.originalConnID }, { userIds, channelId: s.channelID });
    } catch (err) {
      this.d.log.warn({ err: (err as Error).message }, 'voice activity event not sent');
    }
  }
}

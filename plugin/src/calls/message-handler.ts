// What each in-call client message does (the reference's handleClientMsg): signaling relayed to the media
// side, state changes (mute, screen, video, hand) stored under the call lock and announced to the
// participants, reactions relayed. Runs in order per session (UserSession's queue).
import type { PluginAPI } from '@calls-ts/host/plugin-rpc';
import { MessageType } from '@calls-ts/rtcd/rtc';
import type { CallsConfig } from '../config/config.js';
import type { Logger } from '../log.js';
import type { MediaBackend } from '../media/media-backend.js';
import type { PluginMetrics } from '../metrics/metrics.js';
import type { ClientMessage } from '../signaling/client-messages.js';
import type { CallsEvents } from '../signaling/events.js';
import type { CallsStore } from '../store/calls-store.js';
import { CallError, type CallService } from './call-service.js';
import type { CallState } from './call-state.js';
import { secondsSince } from './call-state.js';
import { MEDIA_GROUP_ID } from './session-manager.js';
import type { UserSession } from './user-session.js';

export interface MessageHandlerDeps {
  api: PluginAPI;
  calls: CallService;
  store: CallsStore;
  media: MediaBackend;
  events: CallsEvents;
  metrics: PluginMetrics;
  log: Logger;
  config: () => CallsConfig;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class ClientMessageHandler {
  constructor(private readonly d: MessageHandlerDeps) {}

  /** Handles one queued message; a refusal is logged and counted, never thrown (the queue goes on). */
  async handle(s: UserSession, msg: ClientMessage): Promise<void> {
    try {
      await this.dispatch(s, msg);
    } catch (err) {
      this.d.metrics.wsDropped.inc({ reason: 'refused' });
      const level = err instanceof CallError ? 'debug' : 'error';
      this.d.log[level]({ err: (err as Error).message, type: msg.type, session_id: s.originalConnID, user_id: s.userID }, 'client message refused');
    }
  }

  private toMedia(s: UserSession, type: MessageType, data?: Uint8Array): void {
    this.d.media.send({ groupID: MEDIA_GROUP_ID, userID: s.userID, sessionID: s.originalConnID, callID: s.callID, type, ...(data ? { data } : {}) }, s.mediaHost);
  }

  /** Runs `fn` with the session's call under the lock; CallError when the call or session is gone. */
  private inCall<T>(s: UserSession, fn: (state: CallState) => Promise<T>): Promise<T> {
    return this.d.calls.withCall(s.channelID, async (state) => {
      if (!state || state.call.id !== s.callID) throw new CallError('no call ongoing');
      if (!state.sessions.has(s.originalConnID)) throw new CallError('session is missing from the call state');
      return fn(state);
    });
  }

  private participants(state: CallState) {
    return { userIds: state.userIDs(), channelId: state.call.channel_id };
  }

  private async dispatch(s: UserSession, msg: ClientMessage): Promise<void> {
    switch (msg.type) {
      case 'sdp':
        return this.toMedia(s, MessageType.SDP, msg.data);
      case 'ice':
        return this.toMedia(s, MessageType.ICE, msg.data);
      case 'mute':
      case 'unmute': {
        const unmuted = msg.type === 'unmute';
        this.toMedia(s, unmuted ? MessageType.Unmute : MessageType.Mute);
        return this.inCall(s, async (state) => {
          const session = state.sessions.get(s.originalConnID)!;
          session.unmuted = unmuted;
          await this.d.store.updateCallSession(session);
          this.d.events.publish(unmuted ? 'user_unmuted' : 'user_muted', { userID: s.userID, session_id: s.originalConnID }, this.participants(state));
        });
      }
      case 'screen_on':
      case 'screen_off':
        return this.screen(s, msg.type === 'screen_on', msg.type === 'screen_on' ? msg.data : undefined);
      case 'video_on':
      case 'video_off':
        return this.video(s, msg.type === 'video_on', msg.type === 'video_on' ? msg.data : undefined);
      case 'raise_hand':
      case 'unraise_hand':
        return this.inCall(s, async (state) => {
          const session = state.sessions.get(s.originalConnID)!;
          session.raised_hand = msg.type === 'raise_hand' ? Date.now() : 0;
          await this.d.store.updateCallSession(session);
          this.d.events.publish(
            msg.type === 'raise_hand' ? 'user_raise_hand' : 'user_unraise_hand',
            { userID: s.userID, session_id: s.originalConnID, raised_hand: session.raised_hand },
            this.participants(state),
          );
        });
      case 'react': {
        const sessions = await this.d.store.getCallSessions(s.callID);
        const userIds = [...new Set([...sessions.values()].map((x) => x.user_id))];
        this.d.events.publish(
          'user_reacted',
          { user_id: s.userID, session_id: s.originalConnID, emoji: msg.emoji, timestamp: Date.now() },
          { userIds, channelId: s.channelID },
        );
        return;
      }
      default:
        // voice_on/voice_off are accepted but meaningless (voice activity comes from the SFU); caption is the
        // transcriber bot's, which this stage does not have.
        return;
    }
  }

  private async screen(s: UserSession, on: boolean, data: Uint8Array | undefined): Promise<void> {
    if (!this.d.config().AllowScreenSharing) throw new CallError('screen sharing is not allowed');
    await this.inCall(s, async (state) => {
      const p = state.call.props;
      if (on) {
        if (p.screen_sharing_session_id) throw new CallError(`cannot start screen sharing, someone else is sharing already: ${p.screen_sharing_session_id}`);
        p.screen_sharing_session_id = s.originalConnID;
        p.screen_start_at = nowSeconds();
        state.call.stats.has_used_screen_share = true;
      } else {
        if (p.screen_sharing_session_id !== s.originalConnID) throw new CallError('cannot stop screen sharing: this session is not sharing');
        p.screen_sharing_session_id = '';
        if (p.screen_start_at) state.call.stats.screen_duration += secondsSince(p.screen_start_at, Date.now());
        p.screen_start_at = 0;
      }
      await this.d.store.updateCall(state.call);
      this.toMedia(s, on ? MessageType.ScreenOn : MessageType.ScreenOff, data);
      this.d.events.publish(on ? 'user_screen_on' : 'user_screen_off', { userID: s.userID, session_id: s.originalConnID }, this.participants(state));
    });
  }

  private async video(s: UserSession, on: boolean, data: Uint8Array | undefined): Promise<void> {
    if (!this.d.config().EnableVideo) throw new CallError('video is not enabled');
    this.toMedia(s, on ? MessageType.VideoOn : MessageType.VideoOff, data);
    await this.inCall(s, async (state) => {
      const session = state.sessions.get(s.originalConnID)!;
      const p = state.call.props;
      if (on) {
        session.video = true;
        p.video_start_at = { ...(p.video_start_at ?? {}), [s.originalConnID]: nowSeconds() };
        state.call.stats.has_used_video = true;
      } else {
        session.video = false;
        const started = p.video_start_at?.[s.originalConnID];
        if (started) state.call.stats.video_duration += secondsSince(started, Date.now());
        if (p.video_start_at) delete p.video_start_at[s.originalConnID];
      }
      await this.d.store.updateCallSession(session);
      await this.d.store.updateCall(state.call);
      this.d.events.publish(on ? 'user_video_on' : 'user_video_off', { userID: s.userID, session_id: s.originalConnID }, this.participants(state));
    });
  }

  /** `call_state` request: the call's client view to that connection only. */
  async callState(connID: string, userID: string, channelID: string): Promise<void> {
    if (!(await this.d.api.hasPermissionToChannel(userID, channelID, 'read_channel'))) throw new CallError('forbidden', 403);
    await this.d.calls.withCall(channelID, async (state) => {
      if (!state) throw new CallError('no call ongoing');
      this.d.events.publishCallState(channelID, state.clientState(userID), { connectionId: connID });
    });
  }
}

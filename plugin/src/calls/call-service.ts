// Changes to a call's stored state, always under the call lock (addUserSession, removeUserSession,
// cleanCallState of the reference), with the events they imply: host changes, screen off when the sharer
// leaves, user_left, the call post when the call starts and ends.
import type { PluginAPI } from '@calls-ts/host/plugin-rpc';
import { newId } from '@calls-ts/rtcd/rtc';
import type { CallLocks } from '../cluster/call-lock.js';
import type { CallsConfig } from '../config/config.js';
import type { Logger } from '../log.js';
import type { MediaBackend } from '../media/media-backend.js';
import type { PluginMetrics } from '../metrics/metrics.js';
import type { CallsEvents } from '../signaling/events.js';
import type { CallsStore } from '../store/calls-store.js';
import type { Call } from '../store/types.js';
import type { CallPosts } from './call-post.js';
import { CallState, secondsSince } from './call-state.js';

/** A refusal the user should see (the `error` event, or HTTP 400). */
export class CallError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

export interface CallServiceDeps {
  api: PluginAPI;
  store: CallsStore;
  locks: CallLocks;
  events: CallsEvents;
  posts: CallPosts;
  metrics: PluginMetrics;
  media: MediaBackend;
  log: Logger;
  config: () => CallsConfig;
  /** The plugin's bot (author of its ephemeral posts). */
  botID: string;
  /** Called after every stored change of a call's sessions or end (aggregate statistics). */
  onChange?: () => void;
}

export interface AddSessionParams {
  userID: string;
  sessionID: string;
  channelID: string;
  channelType: string;
  title: string;
  threadID: string;
  /** The channel's explicit setting (calls_channels), undefined when none. */
  callsEnabled: boolean | undefined;
}

export class CallService {
  constructor(private readonly d: CallServiceDeps) {}

  get store(): CallsStore {
    return this.d.store;
  }

  /** The active call of a channel, without the lock (reads may race with writers; fine for views). */
  loadState(channelID: string): Promise<CallState | undefined> {
    return this.d.metrics.timeHandler('getCallState', async () => {
      const call = await this.d.store.getActiveCallByChannelID(channelID);
      return call && new CallState(call, await this.d.store.getCallSessions(call.id));
    });
  }

  /** Runs `fn` with the channel's call state loaded under the call lock. */
  withCall<T>(channelID: string, fn: (state: CallState | undefined) => Promise<T>): Promise<T> {
    return this.d.locks.run(channelID, async () => fn(await this.loadState(channelID)));
  }

  /** Who may start a call in a channel (the DefaultEnabled "test mode" rule). Throws CallError. */
  async checkCanStart(userID: string, callsEnabled: boolean | undefined): Promise<void> {
    if (callsEnabled === false) throw new CallError('calls are disabled in the channel', 403);
    if (callsEnabled === true || this.d.config().DefaultEnabled) return;
    if (await this.d.api.hasPermissionTo(userID, 'manage_system')) return;
    throw new CallError('insufficient permissions', 403);
  }

  /**
   * Adds a session, starting the call if there is none (the reference's addUserSession + the first-session
   * steps of handleJoin). Call under the lock. Throws CallError; nothing is stored then.
   */
  async addUserSession(existing: CallState | undefined, p: AddSessionParams): Promise<{ state: CallState; started: boolean }> {
    return this.d.metrics.timeHandler('addUserSession', async () => {
      const cfg = this.d.config();
      let state = existing;
      const started = !state;
      if (!state) {
        await this.checkCanStart(p.userID, p.callsEnabled);
        let rtcdHost: string | undefined;
        try {
          rtcdHost = await this.d.media.pickHostForNewCall();
        } catch (err) {
          throw new CallError(`no media server can take the call: ${(err as Error).message}`, 503);
        }
        state = CallState.create({ id: newId(), channelID: p.channelID, ownerID: p.userID, title: p.title, now: Date.now(), rtcdHost });
      }
      if (state.call.end_at > 0) throw new CallError('call has ended');
      if (state.sessions.has(p.sessionID)) throw new CallError('session is already connected');
      if (cfg.MaxCallParticipants > 0 && state.sessions.size >= cfg.MaxCallParticipants) {
        throw new CallError('user cannot join because of limits');
      }
      const session = { id: p.sessionID, call_id: state.call.id, user_id: p.userID, join_at: Date.now(), unmuted: false, raised_hand: 0, video: false };
      state.sessions.set(session.id, session);
      const previousHost = state.hostID;
      const newHost = state.electHost();
      state.hostID = newHost;
      state.call.props.participants = { ...(state.call.props.participants ?? {}), [p.userID]: {} };
      if (started) await this.d.store.createCall(state.call);
      else await this.d.store.updateCall(state.call);
      await this.d.store.createCallSession(session);
      if (!started && newHost !== previousHost) {
        this.d.events.publish('call_host_changed', { hostID: newHost, call_id: state.call.id }, { userIds: state.userIDs(), channelId: p.channelID });
      }
      this.d.onChange?.();
      if (started) await this.announceStart(state, p);
      return { state, started };
    });
  }

  private async announceStart(state: CallState, p: AddSessionParams): Promise<void> {
    const cfg = this.d.config();
    if (!cfg.DefaultEnabled && (await this.d.api.hasPermissionTo(p.userID, 'manage_system').catch(() => false))) {
      this.d.api
        .sendEphemeralPost(p.userID, {
          user_id: this.d.botID,
          channel_id: p.channelID,
          message: 'Currently calls are not enabled for non-admin users. You can change the setting through the system console',
        })
        .catch((err: unknown) => this.d.log.warn({ err: (err as Error).message }, 'test mode hint not sent'));
    }
    try {
      const { postID, threadID } = await this.d.posts.created({
        userID: p.userID, channelID: p.channelID, startAt: state.call.start_at, title: p.title, threadID: p.threadID,
      });
      state.call.post_id = postID;
      state.call.thread_id = threadID;
      await this.d.store.updateCall(state.call);
    } catch (err) {
      // The call works without its post; it is only the card in the channel.
      this.d.log.error({ err: (err as Error).message, channel_id: p.channelID }, 'failed to create the call post');
    }
    this.d.events.publish(
      'call_start',
      {
        id: state.call.id, channelID: p.channelID, start_at: state.call.start_at, thread_id: state.call.thread_id,
        post_id: state.call.post_id, owner_id: state.call.owner_id, host_id: state.hostID,
      },
      { channelId: p.channelID },
    );
  }

  /**
   * Removes a session (the reference's removeUserSession): screen and video bookkeeping, user_left, host
   * hand-over, and the end of the call when nobody is left. Call under the lock. False when the session
   * was not in the call.
   */
  async removeUserSession(state: CallState, sessionID: string): Promise<boolean> {
    return this.d.metrics.timeHandler('removeUserSession', async () => {
      const s = state.sessions.get(sessionID);
      if (!s) return false;
      const channelID = state.call.channel_id;
      const now = Date.now();
      await this.d.store.deleteCallSession(sessionID);
      state.sessions.delete(sessionID);
      const props = state.call.props;
      if (props.screen_sharing_session_id === sessionID) {
        props.screen_sharing_session_id = '';
        if (props.screen_start_at) state.call.stats.screen_duration += secondsSince(props.screen_start_at, now);
        props.screen_start_at = 0;
        this.d.events.publish('user_screen_off', {}, { userIds: state.userIDs(), channelId: channelID });
      }
      if (s.video) {
        const started = props.video_start_at?.[sessionID];
        if (started) state.call.stats.video_duration += secondsSince(started, now);
        if (props.video_start_at) delete props.video_start_at[sessionID];
        this.d.events.publish('user_video_off', { userID: s.user_id, session_id: sessionID }, { userIds: state.userIDs(), channelId: channelID });
      }
      this.d.events.publish('user_left', { user_id: s.user_id, session_id: sessionID }, { channelId: channelID });
      if (state.sessions.size > 0 && state.hostID === s.user_id) {
        const newHost = state.electHost();
        if (newHost !== s.user_id) {
          state.hostID = newHost;
          this.d.events.publish('call_host_changed', { hostID: newHost, call_id: state.call.id }, { userIds: state.userIDs(), channelId: channelID });
        }
      }
      const ended = state.sessions.size === 0;
      if (ended) state.markEnded(now);
      await this.d.store.updateCall(state.call);
      this.d.onChange?.();
      if (ended) await this.finishPost(state.call);
      return true;
    });
  }

  /** Ends a call whatever its sessions (the reference's cleanCallState). Call under the lock. */
  async cleanCallState(state: CallState): Promise<void> {
    if (state.call.end_at === 0) state.markEnded(Date.now());
    await this.d.store.deleteCallsSessions(state.call.id);
    state.sessions.clear();
    await this.d.store.updateCall(state.call);
    this.d.onChange?.();
    await this.finishPost(state.call);
  }

  /** The user no longer wants to be notified (rung) about the channel's call. */
  async dismissNotification(userID: string, channelID: string): Promise<void> {
    await this.withCall(channelID, async (state) => {
      if (!state) throw new CallError('no call ongoing');
      state.call.props.dismissed_notification = { ...(state.call.props.dismissed_notification ?? {}), [userID]: true };
      await this.d.store.updateCall(state.call);
      this.d.events.publish('user_dismissed_notification', { userID, callID: state.call.id }, { userId: userID });
    });
  }

  private async finishPost(call: Call): Promise<void> {
    if (!call.post_id) return;
    try {
      await this.d.posts.ended(call.post_id, call.participants);
    } catch (err) {
      this.d.log.error({ err: (err as Error).message, call_id: call.id }, 'failed to update the call post');
    }
  }
}

// The WebSocket events the plugin sends (`custom_com.mattermost.calls_<name>`), with the payload shapes of
// @mattermost/calls-common's types.d.ts, and the targeting of the reference: the channel, one user, one
// connection, or the call's participants (one event per user, carrying the channel id in its broadcast).
// Every event is counted once in websocket_events_total{direction="out", type=<name>}.
import type { PluginAPI, WebsocketBroadcast } from '@calls-ts/host/plugin-rpc';
import type { Logger } from '../log.js';
import type { PluginMetrics } from '../metrics/metrics.js';
import type { CallStateClient } from '../calls/call-state.js';

export interface EmojiData {
  name: string;
  unified: string;
  skin: string;
  literal: string;
}

type UserSessionData = { userID: string; session_id: string };
type HostControlData = { channel_id: string; session_id: string };

/** Event name → payload. */
export interface CallsEventMap {
  join: { connID: string };
  error: { data: string; connID: string };
  signal: { data: string; connID: string };
  call_start: { id: string; channelID: string; start_at: number; thread_id: string; post_id: string; owner_id: string; host_id: string };
  call_end: { channelID?: string };
  call_state: { channel_id: string; call: string };
  user_joined: { user_id: string; session_id: string };
  user_left: { user_id: string; session_id: string; channelID?: string };
  user_muted: UserSessionData;
  user_unmuted: UserSessionData;
  user_voice_on: UserSessionData;
  user_voice_off: UserSessionData;
  /** `{}` when the sharer left the call while sharing (the reference's shape). */
  user_screen_on: UserSessionData;
  user_screen_off: UserSessionData | Record<string, never>;
  user_video_on: UserSessionData;
  user_video_off: UserSessionData;
  user_raise_hand: UserSessionData & { raised_hand: number };
  user_unraise_hand: UserSessionData & { raised_hand: number };
  user_reacted: { user_id: string; session_id: string; emoji: EmojiData; timestamp: number };
  call_host_changed: { hostID: string; call_id: string };
  user_dismissed_notification: { userID: string; callID: string };
  host_mute: HostControlData;
  host_screen_off: HostControlData;
  host_lower_hand: HostControlData & { call_id: string; host_id: string };
  host_removed: HostControlData & { call_id: string; user_id: string };
  channel_enable_voice: Record<string, never>;
  channel_disable_voice: Record<string, never>;
}
export type CallsEventName = keyof CallsEventMap;

export type EventTarget =
  | { channelId: string }
  | { userId: string; channelId?: string }
  | { connectionId: string }
  /** The call's participants: one event per user id, each with the channel id in its broadcast. */
  | { userIds: string[]; channelId: string };

export class CallsEvents {
  constructor(
    private readonly api: PluginAPI,
    private readonly metrics: PluginMetrics,
    private readonly log: Logger,
  ) {}

  /**
   * Publishes without waiting: the API calls leave in order over the one IPC channel, so events reach
   * clients in the order they were published. Failures are logged, never thrown at the caller.
   */
  publish<E extends CallsEventName>(event: E, data: CallsEventMap[E], target: EventTarget): void {
    this.metrics.wsEvents.inc({ direction: 'out', type: event });
    const payload = data as Record<string, unknown>;
    if ('userIds' in target) {
      for (const userId of target.userIds) this.send(event, payload, { userId, channelId: target.channelId, reliableClusterSend: true });
      return;
    }
    this.send(event, payload, { ...target, reliableClusterSend: true });
  }

  /** The `call_state` event: the client view as a JSON string. */
  publishCallState(channelID: string, state: CallStateClient, target: EventTarget): void {
    this.publish('call_state', { channel_id: channelID, call: JSON.stringify(state) }, target);
  }

  private send(event: string, payload: Record<string, unknown>, broadcast: WebsocketBroadcast): void {
    this.api.publishWebSocketEvent(event, payload, broadcast).catch((err: unknown) => {
      this.log.warn({ event, err: (err as Error).message }, 'failed to publish websocket event');
    });
  }
}

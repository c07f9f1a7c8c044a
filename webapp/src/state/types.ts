// The plugin's state (`store.getState()['plugins-com.mattermost.calls']`) and the wire shapes it is built
// from (calls-common's types; the plugin's CallStateClient).
import type { QualityLevel, QualitySample } from '../client/quality.js';

export const PLUGIN_ID = 'com.mattermost.calls';
export const EVENT_PREFIX = `custom_${PLUGIN_ID}_`;

/** GET /config (the reference's ClientConfig). */
export interface CallsClientConfig {
  ICEServers: string[];
  ICEServersConfigs: { urls: string[]; username?: string; credential?: string }[];
  DefaultEnabled: boolean;
  MaxCallParticipants: number;
  NeedsTURNCredentials: boolean;
  AllowScreenSharing: boolean;
  EnableRinging: boolean;
  EnableDCSignaling: boolean;
  EnableSimulcast: boolean;
  EnableAV1: boolean;
  EnableVideo: boolean;
  HostControlsAllowed: boolean;
  GroupCallsAllowed: boolean;
}

/** A session in CallStateClient (`call_state`, GET /channels). */
export interface SessionStateWire {
  session_id: string;
  user_id: string;
  unmuted: boolean;
  raised_hand: number;
  video?: boolean;
}

export interface CallStateWire {
  id: string;
  start_at: number;
  sessions?: SessionStateWire[];
  states?: SessionStateWire[];
  thread_id: string;
  post_id: string;
  screen_sharing_session_id: string;
  owner_id: string;
  host_id: string;
  dismissed_notification?: Record<string, boolean>;
}

export interface SessionState {
  sessionId: string;
  userId: string;
  unmuted: boolean;
  /** Milliseconds timestamp when raised, 0 when down. */
  raisedHand: number;
  /** Voice activity from the SFU (user_voice_on/off). */
  voice: boolean;
  /** Join order, to list participants stably. */
  order: number;
}

export interface ChannelCall {
  id: string;
  channelId: string;
  startAt: number;
  ownerId: string;
  hostId: string;
  threadId: string;
  postId: string;
  screenSharingSessionId: string;
  sessions: Record<string, SessionState>;
  /** I dismissed its ringing notice. */
  dismissed: boolean;
}

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';

/** The call I am in (or joining) on this tab. */
export interface MyCall {
  channelId: string;
  /** My Calls session id: the WebSocket connection id at join time (kept across reconnects). */
  sessionId: string;
  status: ConnectionStatus;
  muted: boolean;
  handRaised: boolean;
  sharing: boolean;
  /** False when no microphone could be opened (then unmute is disabled). */
  micAvailable: boolean;
  joinedAt: number;
}

export interface EmojiData {
  name: string;
  unified: string;
  skin?: string;
  literal?: string;
}

export interface Reaction {
  id: string;
  channelId: string;
  userId: string;
  sessionId: string;
  emoji: EmojiData;
  at: number;
}

export type BannerKind =
  | 'mic-permission'
  | 'no-mic'
  | 'reconnecting'
  | 'disconnected'
  | 'ended-by-host'
  | 'removed'
  | 'join-failed'
  | 'screen-failed'
  | 'degraded'
  | 'error';

export interface Banner {
  kind: BannerKind;
  message: string;
  at: number;
}

export interface IncomingCall {
  channelId: string;
  callId: string;
  callerId: string;
  startAt: number;
  /** Rings until then (ms timestamp); the notice stays until joined, ignored or the call ends. */
  ringUntil: number;
}

export interface CallsState {
  config: CallsClientConfig | null;
  /** The first listing of calls arrived (before that, absence of a call means nothing). */
  loaded: boolean;
  /** Active calls by channel id. */
  calls: Record<string, ChannelCall>;
  /** Explicit per-channel enable/disable (POST /{channel_id}); absent = the default. */
  enabled: Record<string, boolean>;
  myCall: MyCall | null;
  reactions: Reaction[];
  /** One banner per kind, newest last. */
  banners: Banner[];
  incoming: IncomingCall[];
  quality: { level: QualityLevel; sample: QualitySample };
  /** Toast dismissed per call id. */
  toastDismissed: Record<string, true>;
  /** Channel whose call the user asked to join while in another one (the switch dialog), or null. */
  switchPrompt: string | null;
  ui: CallsUi;
}

export interface CallsUi {
  participantsOpen: boolean;
  reactionsOpen: boolean;
  /** The expanded view is showing this channel's call (the widget steps aside). */
  expandedChannelId: string | null;
}

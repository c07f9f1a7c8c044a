// The plugin's reducer: pure, one action per fact learned from the server or decided locally. Event
// handlers (events.ts) turn WebSocket events into these actions; components read the result.
import type { QualityLevel, QualitySample } from '../client/quality.js';
import type {
  Banner,
  BannerKind,
  CallStateWire,
  CallsClientConfig,
  CallsState,
  CallsUi,
  ChannelCall,
  ConnectionStatus,
  IncomingCall,
  MyCall,
  Reaction,
  SessionState,
} from './types.js';

/** Reactions kept (the reference's stream: 50 at most, 10 s each). */
export const MAX_REACTIONS = 50;
export const REACTION_TTL_MS = 10_000;
const MAX_INCOMING = 10;

export type CallsAction =
  | { type: 'CALLS_CONFIG'; config: CallsClientConfig }
  /** Replaces every known call (GET /channels after a load or a non-resumed reconnect). */
  | { type: 'CALLS_LOADED'; calls: { channelId: string; call: CallStateWire }[]; enabled: Record<string, boolean>; me: string }
  | { type: 'CALLS_CALL_STATE'; channelId: string; call: CallStateWire; me: string }
  | { type: 'CALLS_CALL_STARTED'; channelId: string; id: string; startAt: number; ownerId: string; hostId: string; threadId: string; postId: string }
  | { type: 'CALLS_CALL_ENDED'; channelId: string }
  | { type: 'CALLS_USER_JOINED'; channelId: string; userId: string; sessionId: string }
  | { type: 'CALLS_USER_LEFT'; channelId: string; userId: string; sessionId: string }
  | { type: 'CALLS_USER_MUTED'; channelId: string; sessionId: string; unmuted: boolean }
  | { type: 'CALLS_USER_VOICE'; channelId: string; sessionId: string; on: boolean }
  | { type: 'CALLS_USER_SCREEN'; channelId: string; sessionId: string; on: boolean }
  | { type: 'CALLS_USER_HAND'; channelId: string; sessionId: string; raisedHand: number }
  | { type: 'CALLS_HOST_CHANGED'; channelId: string; hostId: string }
  | { type: 'CALLS_REACTION'; reaction: Reaction }
  | { type: 'CALLS_REACTIONS_PRUNE'; now: number }
  | { type: 'CALLS_CHANNEL_ENABLED'; channelId: string; enabled: boolean }
  | { type: 'CALLS_NOTIFICATION_DISMISSED'; channelId: string }
  | { type: 'CALLS_MY_CALL_JOINING'; channelId: string; sessionId: string; micAvailable: boolean; now: number }
  | { type: 'CALLS_MY_CALL_STATUS'; status: ConnectionStatus }
  | { type: 'CALLS_MY_CALL_SESSION'; sessionId: string }
  | { type: 'CALLS_MY_CALL_LOCAL'; patch: Partial<Pick<MyCall, 'muted' | 'handRaised' | 'sharing' | 'micAvailable'>> }
  | { type: 'CALLS_MY_CALL_LEFT' }
  | { type: 'CALLS_BANNER'; kind: BannerKind; message: string; now: number }
  | { type: 'CALLS_BANNER_DISMISS'; kind: BannerKind }
  | { type: 'CALLS_INCOMING'; incoming: IncomingCall }
  | { type: 'CALLS_INCOMING_REMOVE'; channelId: string }
  | { type: 'CALLS_QUALITY'; level: QualityLevel; sample: QualitySample }
  | { type: 'CALLS_TOAST_DISMISS'; callId: string }
  /** Ask before leaving the current call for another channel's (null: closed). */
  | { type: 'CALLS_SWITCH_PROMPT'; channelId: string | null }
  | { type: 'CALLS_UI'; patch: Partial<CallsUi> };

export function initialState(): CallsState {
  return {
    config: null,
    loaded: false,
    calls: {},
    enabled: {},
    myCall: null,
    reactions: [],
    banners: [],
    incoming: [],
    quality: { level: 'unknown', sample: {} },
    toastDismissed: {},
    switchPrompt: null,
    ui: { participantsOpen: false, reactionsOpen: false, expandedChannelId: null },
  };
}

let orderCounter = 0;

function sessionFromWire(s: { session_id: string; user_id: string; unmuted: boolean; raised_hand: number }, prev?: SessionState): SessionState {
  return {
    sessionId: s.session_id,
    userId: s.user_id,
    unmuted: !!s.unmuted,
    raisedHand: s.raised_hand || 0,
    voice: prev?.voice ?? false,
    order: prev?.order ?? ++orderCounter,
  };
}

export function callFromWire(channelId: string, w: CallStateWire, me: string, prev?: ChannelCall): ChannelCall {
  const sessions: Record<string, SessionState> = {};
  for (const s of w.sessions ?? w.states ?? []) sessions[s.session_id] = sessionFromWire(s, prev?.sessions[s.session_id]);
  return {
    id: w.id,
    channelId,
    startAt: w.start_at,
    ownerId: w.owner_id,
    hostId: w.host_id,
    threadId: w.thread_id,
    postId: w.post_id,
    screenSharingSessionId: w.screen_sharing_session_id ?? '',
    sessions,
    dismissed: !!w.dismissed_notification?.[me] || (prev?.id === w.id && prev.dismissed),
  };
}

/** Applies `fn` to a session of a known call; unknown call or session: unchanged state. */
function withSession(state: CallsState, channelId: string, sessionId: string, fn: (s: SessionState) => SessionState): CallsState {
  const call = state.calls[channelId];
  const s = call?.sessions[sessionId];
  if (!call || !s) return state;
  return { ...state, calls: { ...state.calls, [channelId]: { ...call, sessions: { ...call.sessions, [sessionId]: fn(s) } } } };
}

function withCall(state: CallsState, channelId: string, fn: (c: ChannelCall) => ChannelCall): CallsState {
  const call = state.calls[channelId];
  if (!call) return state;
  return { ...state, calls: { ...state.calls, [channelId]: fn(call) } };
}

function withoutKey<T>(rec: Record<string, T>, key: string): Record<string, T> {
  if (!(key in rec)) return rec;
  const out = { ...rec };
  delete out[key];
  return out;
}

function addBanner(banners: Banner[], b: Banner): Banner[] {
  return [...banners.filter((x) => x.kind !== b.kind), b].slice(-8);
}

export function reducer(state: CallsState = initialState(), action: CallsAction | { type: string }): CallsState {
  const a = action as CallsAction;
  switch (a.type) {
    case 'CALLS_CONFIG':
      return { ...state, config: a.config };
    case 'CALLS_LOADED': {
      const calls: Record<string, ChannelCall> = {};
      for (const { channelId, call } of a.calls) calls[channelId] = callFromWire(channelId, call, a.me, state.calls[channelId]);
      // The call I am in stays known even if the listing missed it (it is refreshed by call_state).
      const mine = state.myCall && state.calls[state.myCall.channelId];
      if (mine && !calls[mine.channelId]) calls[mine.channelId] = mine;
      return { ...state, loaded: true, calls, enabled: { ...state.enabled, ...a.enabled } };
    }
    case 'CALLS_CALL_STATE':
      return { ...state, calls: { ...state.calls, [a.channelId]: callFromWire(a.channelId, a.call, a.me, state.calls[a.channelId]) } };
    case 'CALLS_CALL_STARTED': {
      const prev = state.calls[a.channelId];
      // A user_joined may have arrived first and left a placeholder (id ''): keep what it learned.
      const sessions = prev && (prev.id === a.id || prev.id === '') ? prev.sessions : {};
      return {
        ...state,
        calls: {
          ...state.calls,
          [a.channelId]: {
            id: a.id,
            channelId: a.channelId,
            startAt: a.startAt,
            ownerId: a.ownerId,
            hostId: a.hostId,
            threadId: a.threadId,
            postId: a.postId,
            screenSharingSessionId: '',
            sessions,
            dismissed: false,
          },
        },
      };
    }
    case 'CALLS_CALL_ENDED':
      return {
        ...state,
        calls: withoutKey(state.calls, a.channelId),
        incoming: state.incoming.filter((i) => i.channelId !== a.channelId),
        reactions: state.reactions.filter((r) => r.channelId !== a.channelId),
      };
    case 'CALLS_USER_JOINED': {
      const call: ChannelCall = state.calls[a.channelId] ?? {
        // Joined before call_start reached us: a placeholder that call_start or call_state completes.
        id: '',
        channelId: a.channelId,
        startAt: 0,
        ownerId: a.userId,
        hostId: '',
        threadId: '',
        postId: '',
        screenSharingSessionId: '',
        sessions: {},
        dismissed: false,
      };
      if (call.sessions[a.sessionId]) return state;
      const session: SessionState = { sessionId: a.sessionId, userId: a.userId, unmuted: false, raisedHand: 0, voice: false, order: ++orderCounter };
      return { ...state, calls: { ...state.calls, [a.channelId]: { ...call, sessions: { ...call.sessions, [a.sessionId]: session } } } };
    }
    case 'CALLS_USER_LEFT': {
      const call = state.calls[a.channelId];
      if (!call || !call.sessions[a.sessionId]) return state;
      const sessions = withoutKey(call.sessions, a.sessionId);
      // The last one out ends the call (the server ends it; call_end is only sent when a host ends it).
      if (Object.keys(sessions).length === 0) {
        return { ...state, calls: withoutKey(state.calls, a.channelId), incoming: state.incoming.filter((i) => i.channelId !== a.channelId) };
      }
      const screen = call.screenSharingSessionId === a.sessionId ? '' : call.screenSharingSessionId;
      return { ...state, calls: { ...state.calls, [a.channelId]: { ...call, sessions, screenSharingSessionId: screen } } };
    }
    case 'CALLS_USER_MUTED':
      return withSession(state, a.channelId, a.sessionId, (s) => ({ ...s, unmuted: a.unmuted, voice: a.unmuted && s.voice }));
    case 'CALLS_USER_VOICE':
      return withSession(state, a.channelId, a.sessionId, (s) => (s.voice === a.on ? s : { ...s, voice: a.on }));
    case 'CALLS_USER_SCREEN':
      return withCall(state, a.channelId, (c) => {
        if (a.on) return { ...c, screenSharingSessionId: a.sessionId };
        // `user_screen_off` with `{}` (sharer left) carries no session: clear whoever shares.
        return a.sessionId === '' || c.screenSharingSessionId === a.sessionId ? { ...c, screenSharingSessionId: '' } : c;
      });
    case 'CALLS_USER_HAND':
      return withSession(state, a.channelId, a.sessionId, (s) => ({ ...s, raisedHand: a.raisedHand }));
    case 'CALLS_HOST_CHANGED':
      return withCall(state, a.channelId, (c) => ({ ...c, hostId: a.hostId }));
    case 'CALLS_REACTION':
      return { ...state, reactions: [...state.reactions, a.reaction].slice(-MAX_REACTIONS) };
    case 'CALLS_REACTIONS_PRUNE': {
      const kept = state.reactions.filter((r) => a.now - r.at < REACTION_TTL_MS);
      return kept.length === state.reactions.length ? state : { ...state, reactions: kept };
    }
    case 'CALLS_CHANNEL_ENABLED':
      return { ...state, enabled: { ...state.enabled, [a.channelId]: a.enabled } };
    case 'CALLS_NOTIFICATION_DISMISSED':
      return {
        ...withCall(state, a.channelId, (c) => ({ ...c, dismissed: true })),
        incoming: state.incoming.filter((i) => i.channelId !== a.channelId),
      };
    case 'CALLS_MY_CALL_JOINING':
      return {
        ...state,
        myCall: {
          channelId: a.channelId,
          sessionId: a.sessionId,
          status: 'connecting',
          muted: true,
          handRaised: false,
          sharing: false,
          micAvailable: a.micAvailable,
          joinedAt: a.now,
        },
        incoming: state.incoming.filter((i) => i.channelId !== a.channelId),
        banners: state.banners.filter((b) => b.kind === 'mic-permission' || b.kind === 'no-mic'),
        quality: { level: 'unknown', sample: {} },
      };
    case 'CALLS_MY_CALL_STATUS':
      return state.myCall && state.myCall.status !== a.status ? { ...state, myCall: { ...state.myCall, status: a.status } } : state;
    case 'CALLS_MY_CALL_SESSION':
      return state.myCall ? { ...state, myCall: { ...state.myCall, sessionId: a.sessionId } } : state;
    case 'CALLS_MY_CALL_LOCAL':
      return state.myCall ? { ...state, myCall: { ...state.myCall, ...a.patch } } : state;
    case 'CALLS_MY_CALL_LEFT':
      return {
        ...state,
        myCall: null,
        reactions: [],
        ui: { ...state.ui, participantsOpen: false, reactionsOpen: false },
        quality: { level: 'unknown', sample: {} },
        banners: state.banners.filter((b) => b.kind !== 'reconnecting' && b.kind !== 'degraded' && b.kind !== 'mic-permission' && b.kind !== 'no-mic'),
      };
    case 'CALLS_BANNER':
      return { ...state, banners: addBanner(state.banners, { kind: a.kind, message: a.message, at: a.now }) };
    case 'CALLS_BANNER_DISMISS': {
      const banners = state.banners.filter((b) => b.kind !== a.kind);
      return banners.length === state.banners.length ? state : { ...state, banners };
    }
    case 'CALLS_INCOMING':
      if (state.incoming.some((i) => i.channelId === a.incoming.channelId)) return state;
      return { ...state, incoming: [...state.incoming, a.incoming].slice(-MAX_INCOMING) };
    case 'CALLS_INCOMING_REMOVE': {
      const incoming = state.incoming.filter((i) => i.channelId !== a.channelId);
      return incoming.length === state.incoming.length ? state : { ...state, incoming };
    }
    case 'CALLS_QUALITY':
      return { ...state, quality: { level: a.level, sample: a.sample } };
    case 'CALLS_UI':
      return { ...state, ui: { ...state.ui, ...a.patch } };
    case 'CALLS_SWITCH_PROMPT':
      return { ...state, switchPrompt: a.channelId };
    case 'CALLS_TOAST_DISMISS':
      return { ...state, toastDismissed: { ...state.toastDismissed, [a.callId]: true } };
    default:
      return state;
  }
}

/** Sessions of a call in join order. */
export function sessionsOf(call: ChannelCall | undefined): SessionState[] {
  if (!call) return [];
  return Object.values(call.sessions).sort((a, b) => a.order - b.order);
}

/** Distinct user ids in a call, in join order. */
export function usersOf(call: ChannelCall | undefined): string[] {
  return [...new Set(sessionsOf(call).map((s) => s.userId))];
}

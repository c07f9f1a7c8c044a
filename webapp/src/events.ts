// WebSocket events → store actions, and the ones about my own call → the CallClient. Payload shapes are
// calls-common's; every field is read defensively (a malformed event is logged and skipped).
import type { CallsController } from './controller.js';
import { usersOf } from './state/reducer.js';
import type { CallStateWire, EmojiData } from './state/types.js';
import { EVENT_PREFIX } from './state/types.js';
import type { Registry, WebSocketMessage } from './shell.js';
import { playJoinUser } from './util/sounds.js';

/** The reference's RING_LENGTH. */
export const RING_LENGTH_MS = 30_000;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function channelOf(msg: WebSocketMessage): string {
  return str(msg.broadcast?.channel_id) || str(msg.data.channelID) || str(msg.data.channel_id);
}

let reactionSeq = 0;

export function registerEventHandlers(registry: Registry, c: CallsController): void {
  const on = (name: string, fn: (msg: WebSocketMessage) => void) =>
    registry.registerWebSocketEventHandler(EVENT_PREFIX + name, (msg) => {
      if (!msg || typeof msg.data !== 'object' || msg.data === null) return;
      fn(msg);
    });
  const myCallIn = (channelId: string) => (c.state.myCall?.channelId === channelId ? c.client : null);

  on('join', (msg) => c.client?.onJoinAccepted(str(msg.data.connID)));
  on('error', (msg) => {
    if (c.client && str(msg.data.connID) === c.shell.webSocket.connectionId) c.client.onServerError(str(msg.data.data));
  });
  on('signal', (msg) => {
    if (c.client && str(msg.data.connID) === c.client.sessionId) c.client.onSignal(str(msg.data.data));
  });

  on('call_start', (msg) => {
    const channelId = str(msg.data.channelID) || channelOf(msg);
    if (!channelId) return;
    const ownerId = str(msg.data.owner_id);
    c.dispatch({
      type: 'CALLS_CALL_STARTED',
      channelId,
      id: str(msg.data.id),
      startAt: num(msg.data.start_at) || Date.now(),
      ownerId,
      hostId: str(msg.data.host_id),
      threadId: str(msg.data.thread_id),
      postId: str(msg.data.post_id),
    });
    c.ensureProfiles([ownerId]);
    void maybeRing(c, channelId, str(msg.data.id), ownerId, num(msg.data.start_at));
  });

  on('call_end', (msg) => {
    const channelId = channelOf(msg);
    if (!channelId) return;
    const mine = myCallIn(channelId);
    const iAmHost = c.state.calls[channelId]?.hostId === c.me;
    c.dispatch({ type: 'CALLS_CALL_ENDED', channelId });
    if (mine) c.leaveCall(iAmHost ? 'user' : 'ended-by-host');
  });

  on('call_state', (msg) => {
    const channelId = str(msg.data.channel_id);
    let call: CallStateWire;
    try {
      call = JSON.parse(str(msg.data.call)) as CallStateWire;
    } catch {
      console.warn('calls: call_state with a malformed call');
      return;
    }
    if (!channelId || !call || typeof call.id !== 'string') return;
    c.dispatch({ type: 'CALLS_CALL_STATE', channelId, call, me: c.me });
    c.ensureProfiles((call.sessions ?? call.states ?? []).map((s) => s.user_id));
    // My own session vanished from the call (closed by the server while I was away): I am out.
    const my = c.state.myCall;
    if (my?.channelId === channelId && my.status !== 'connecting' && !(call.sessions ?? call.states ?? []).some((s) => s.session_id === my.sessionId)) {
      c.client?.dropped();
    }
  });

  on('user_joined', (msg) => {
    const channelId = channelOf(msg);
    const userId = str(msg.data.user_id);
    const sessionId = str(msg.data.session_id);
    if (!channelId || !sessionId) return;
    c.dispatch({ type: 'CALLS_USER_JOINED', channelId, userId, sessionId });
    c.ensureProfiles([userId]);
    const my = c.state.myCall;
    if (my?.channelId === channelId && sessionId !== my.sessionId) playJoinUser();
    if (userId === c.me) c.dispatch({ type: 'CALLS_INCOMING_REMOVE', channelId }); // answered on another device
  });

  on('user_left', (msg) => {
    const channelId = channelOf(msg);
    const sessionId = str(msg.data.session_id);
    if (!channelId || !sessionId) return;
    c.dispatch({ type: 'CALLS_USER_LEFT', channelId, userId: str(msg.data.user_id), sessionId });
    const mine = myCallIn(channelId);
    if (!mine) return;
    if (sessionId === mine.sessionId) mine.dropped();
    else mine.onUserLeft(sessionId);
  });

  const sessionEvent = (name: string, fn: (channelId: string, sessionId: string, msg: WebSocketMessage) => void) =>
    on(name, (msg) => {
      const channelId = channelOf(msg);
      const sessionId = str(msg.data.session_id);
      if (channelId) fn(channelId, sessionId, msg);
    });

  sessionEvent('user_muted', (channelId, sessionId) => c.dispatch({ type: 'CALLS_USER_MUTED', channelId, sessionId, unmuted: false }));
  sessionEvent('user_unmuted', (channelId, sessionId) => c.dispatch({ type: 'CALLS_USER_MUTED', channelId, sessionId, unmuted: true }));
  sessionEvent('user_voice_on', (channelId, sessionId) => c.dispatch({ type: 'CALLS_USER_VOICE', channelId, sessionId, on: true }));
  sessionEvent('user_voice_off', (channelId, sessionId) => c.dispatch({ type: 'CALLS_USER_VOICE', channelId, sessionId, on: false }));
  sessionEvent('user_screen_on', (channelId, sessionId) => {
    c.dispatch({ type: 'CALLS_USER_SCREEN', channelId, sessionId, on: true });
    myCallIn(channelId)?.onScreenOn(sessionId);
  });
  sessionEvent('user_screen_off', (channelId, sessionId) => {
    c.dispatch({ type: 'CALLS_USER_SCREEN', channelId, sessionId, on: false });
    myCallIn(channelId)?.onScreenOff(sessionId);
  });
  sessionEvent('user_raise_hand', (channelId, sessionId, msg) =>
    c.dispatch({ type: 'CALLS_USER_HAND', channelId, sessionId, raisedHand: num(msg.data.raised_hand) || Date.now() }),
  );
  sessionEvent('user_unraise_hand', (channelId, sessionId) => {
    c.dispatch({ type: 'CALLS_USER_HAND', channelId, sessionId, raisedHand: 0 });
    if (sessionId === c.state.myCall?.sessionId) c.dispatch({ type: 'CALLS_MY_CALL_LOCAL', patch: { handRaised: false } });
  });
  sessionEvent('user_reacted', (channelId, sessionId, msg) => {
    const e = msg.data.emoji as Partial<EmojiData> | undefined;
    if (!e || typeof e.name !== 'string') return;
    const emoji: EmojiData = { name: e.name, unified: str(e.unified), skin: str(e.skin), literal: str(e.literal) };
    const userId = str(msg.data.user_id);
    c.dispatch({
      type: 'CALLS_REACTION',
      reaction: { id: `r${++reactionSeq}`, channelId, userId, sessionId, emoji, at: Date.now() },
    });
  });
  on('call_host_changed', (msg) => {
    const channelId = channelOf(msg);
    if (channelId) c.dispatch({ type: 'CALLS_HOST_CHANGED', channelId, hostId: str(msg.data.hostID) });
  });

  // Host controls aimed at me.
  const forMySession = (msg: WebSocketMessage) => {
    const my = c.state.myCall;
    return my && str(msg.data.session_id) === my.sessionId ? c.client : null;
  };
  on('host_mute', (msg) => forMySession(msg)?.onHostMute());
  on('host_screen_off', (msg) => forMySession(msg)?.onHostScreenOff());
  on('host_lower_hand', (msg) => forMySession(msg)?.onHostLowerHand());
  on('host_removed', (msg) => {
    if (forMySession(msg)) c.leaveCall('removed');
  });

  on('user_dismissed_notification', (msg) => {
    const callId = str(msg.data.callID);
    const call = Object.values(c.state.calls).find((x) => x.id === callId || x.channelId === callId);
    if (call) c.dispatch({ type: 'CALLS_NOTIFICATION_DISMISSED', channelId: call.channelId });
  });
  on('channel_enable_voice', (msg) => {
    const channelId = channelOf(msg);
    if (channelId) c.dispatch({ type: 'CALLS_CHANNEL_ENABLED', channelId, enabled: true });
  });
  on('channel_disable_voice', (msg) => {
    const channelId = channelOf(msg);
    if (channelId) c.dispatch({ type: 'CALLS_CHANNEL_ENABLED', channelId, enabled: false });
  });

  // Removed from the channel of my call: I leave it (the reference listens to the core event too).
  registry.registerWebSocketEventHandler('user_removed', (msg) => {
    const channelId = channelOf(msg);
    const userId = str(msg.data.user_id) || str(msg.broadcast?.user_id);
    if (channelId && userId === c.me && c.state.myCall?.channelId === channelId) c.leaveCall('channel-left');
  });
}

/** A DM/GM call I did not start and have not answered: the incoming-call notice rings. */
async function maybeRing(c: CallsController, channelId: string, callId: string, ownerId: string, startAt: number): Promise<void> {
  if (!c.state.config?.EnableRinging || ownerId === c.me || c.state.myCall?.channelId === channelId) return;
  let channel = c.store.getState().entities.channels.channels[channelId];
  if (!channel) {
    try {
      channel = await c.shell.client.getChannel(channelId);
    } catch {
      return;
    }
  }
  if (channel.type !== 'D' && channel.type !== 'G') return;
  const call = c.state.calls[channelId];
  if (!call || call.dismissed || usersOf(call).includes(c.me)) return;
  c.dispatch({ type: 'CALLS_INCOMING', incoming: { channelId, callId, callerId: ownerId, startAt: startAt || Date.now(), ringUntil: Date.now() + RING_LENGTH_MS } });
}

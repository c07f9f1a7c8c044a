// The plugin's state from the sequence of events a call produces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_REACTIONS, REACTION_TTL_MS, initialState, reducer, sessionsOf, usersOf, type CallsAction } from '../src/state/reducer.js';
import type { CallsState } from '../src/state/types.js';

const CH = 'c'.repeat(26);
const run = (actions: CallsAction[], from: CallsState = initialState()) => actions.reduce((s, a) => reducer(s, a), from);
const started: CallsAction = { type: 'CALLS_CALL_STARTED', channelId: CH, id: 'call1', startAt: 1000, ownerId: 'u1', hostId: 'u1', threadId: 'p1', postId: 'p1' };
const joined = (n: number): CallsAction => ({ type: 'CALLS_USER_JOINED', channelId: CH, userId: `u${n}`, sessionId: `s${n}` });

test('a call starts, people join in order, mute, talk, raise hands, share, and the last one out ends it', () => {
  let s = run([started, joined(1), joined(2), joined(3)]);
  assert.deepEqual(usersOf(s.calls[CH]), ['u1', 'u2', 'u3']);
  s = run(
    [
      { type: 'CALLS_USER_MUTED', channelId: CH, sessionId: 's2', unmuted: true },
      { type: 'CALLS_USER_VOICE', channelId: CH, sessionId: 's2', on: true },
      { type: 'CALLS_USER_HAND', channelId: CH, sessionId: 's3', raisedHand: 5000 },
      { type: 'CALLS_USER_SCREEN', channelId: CH, sessionId: 's1', on: true },
      { type: 'CALLS_HOST_CHANGED', channelId: CH, hostId: 'u2' },
    ],
    s,
  );
  const call = s.calls[CH]!;
  assert.equal(call.sessions.s2!.unmuted, true);
  assert.equal(call.sessions.s2!.voice, true);
  assert.equal(call.sessions.s3!.raisedHand, 5000);
  assert.equal(call.screenSharingSessionId, 's1');
  assert.equal(call.hostId, 'u2');
  // Muting silences the speaking indicator at once.
  s = reducer(s, { type: 'CALLS_USER_MUTED', channelId: CH, sessionId: 's2', unmuted: false });
  assert.equal(s.calls[CH]!.sessions.s2!.voice, false);
  // The sharer leaving clears the screen; the last one out removes the call.
  s = run([{ type: 'CALLS_USER_LEFT', channelId: CH, userId: 'u1', sessionId: 's1' }], s);
  assert.equal(s.calls[CH]!.screenSharingSessionId, '');
  s = run([{ type: 'CALLS_USER_LEFT', channelId: CH, userId: 'u2', sessionId: 's2' }, { type: 'CALLS_USER_LEFT', channelId: CH, userId: 'u3', sessionId: 's3' }], s);
  assert.equal(s.calls[CH], undefined);
});

test('`user_screen_off` with no session (the sharer left) clears whoever shares', () => {
  const s = run([started, joined(1), { type: 'CALLS_USER_SCREEN', channelId: CH, sessionId: 's1', on: true }, { type: 'CALLS_USER_SCREEN', channelId: CH, sessionId: '', on: false }]);
  assert.equal(s.calls[CH]!.screenSharingSessionId, '');
});

test('a join seen before call_start is kept when call_start arrives', () => {
  const s = run([joined(1), started]);
  assert.equal(s.calls[CH]!.id, 'call1');
  assert.deepEqual(Object.keys(s.calls[CH]!.sessions), ['s1']);
});

test('call_state replaces the call, keeping what only events tell (voice) and the join order', () => {
  let s = run([started, joined(1), joined(2), { type: 'CALLS_USER_VOICE', channelId: CH, sessionId: 's2', on: true }]);
  s = reducer(s, {
    type: 'CALLS_CALL_STATE',
    channelId: CH,
    me: 'u2',
    call: {
      id: 'call1', start_at: 1000, thread_id: 'p1', post_id: 'p1', owner_id: 'u1', host_id: 'u2', screen_sharing_session_id: '',
      sessions: [
        { session_id: 's2', user_id: 'u2', unmuted: true, raised_hand: 0 },
        { session_id: 's1', user_id: 'u1', unmuted: false, raised_hand: 9 },
      ],
      dismissed_notification: { u2: true },
    },
  });
  const call = s.calls[CH]!;
  assert.equal(call.hostId, 'u2');
  assert.equal(call.dismissed, true);
  assert.equal(call.sessions.s2!.voice, true);
  assert.deepEqual(sessionsOf(call).map((x) => x.sessionId), ['s1', 's2']);
});

test('reactions are bounded and expire', () => {
  let s = initialState();
  for (let i = 0; i < MAX_REACTIONS + 10; i++) {
    s = reducer(s, { type: 'CALLS_REACTION', reaction: { id: `r${i}`, channelId: CH, userId: 'u1', sessionId: 's1', emoji: { name: '+1', unified: '1f44d' }, at: i } });
  }
  assert.equal(s.reactions.length, MAX_REACTIONS);
  assert.equal(s.reactions[0]!.id, 'r10');
  s = reducer(s, { type: 'CALLS_REACTIONS_PRUNE', now: 30 + REACTION_TTL_MS });
  assert.equal(s.reactions.length, MAX_REACTIONS + 10 - 31);
});

test('my call: joining, status, local state, leaving clears the call-only banners', () => {
  let s = run([
    { type: 'CALLS_INCOMING', incoming: { channelId: CH, callId: 'call1', callerId: 'u1', startAt: 1, ringUntil: 2 } },
    { type: 'CALLS_BANNER', kind: 'no-mic', message: 'No microphone', now: 1 },
    { type: 'CALLS_MY_CALL_JOINING', channelId: CH, sessionId: 's9', micAvailable: false, now: 5 },
  ]);
  assert.deepEqual(s.incoming, [], 'joining answers the ringing');
  assert.equal(s.myCall?.status, 'connecting');
  assert.equal(s.myCall?.muted, true);
  s = run(
    [
      { type: 'CALLS_MY_CALL_STATUS', status: 'connected' },
      { type: 'CALLS_MY_CALL_LOCAL', patch: { muted: false, handRaised: true } },
      { type: 'CALLS_BANNER', kind: 'reconnecting', message: 'Reconnecting', now: 6 },
      { type: 'CALLS_BANNER', kind: 'ended-by-host', message: 'Ended', now: 7 },
    ],
    s,
  );
  assert.equal(s.myCall?.status, 'connected');
  assert.equal(s.myCall?.handRaised, true);
  s = reducer(s, { type: 'CALLS_MY_CALL_LEFT' });
  assert.equal(s.myCall, null);
  assert.deepEqual(s.banners.map((b) => b.kind), ['ended-by-host']);
});

test('ringing: one notice per channel, dismissed here or elsewhere, gone when the call ends', () => {
  const ring = { channelId: CH, callId: 'call1', callerId: 'u1', startAt: 1, ringUntil: 30_001 };
  let s = run([started, { type: 'CALLS_INCOMING', incoming: ring }, { type: 'CALLS_INCOMING', incoming: ring }]);
  assert.equal(s.incoming.length, 1);
  s = reducer(s, { type: 'CALLS_NOTIFICATION_DISMISSED', channelId: CH });
  assert.deepEqual(s.incoming, []);
  assert.equal(s.calls[CH]!.dismissed, true);
  s = run([{ type: 'CALLS_INCOMING', incoming: ring }, { type: 'CALLS_CALL_ENDED', channelId: CH }], s);
  assert.deepEqual(s.incoming, []);
  assert.equal(s.calls[CH], undefined);
});

test('a full listing replaces calls but keeps the one I am in', () => {
  let s = run([started, joined(1), { type: 'CALLS_MY_CALL_JOINING', channelId: CH, sessionId: 's1', micAvailable: true, now: 1 }]);
  s = reducer(s, { type: 'CALLS_LOADED', calls: [], enabled: { [CH]: true }, me: 'u1' });
  assert.ok(s.loaded);
  assert.ok(s.calls[CH]);
  assert.equal(s.enabled[CH], true);
  assert.equal(reducer(s, { type: 'UNRELATED' }), s, 'unknown actions leave the state as is');
});

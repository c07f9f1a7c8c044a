// Whether the header button lets me start or join, and the reason it gives when it does not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Channel } from '@mattermost/types/channels';
import type { UserProfile } from '@mattermost/types/users';
import { callAvailability } from '../src/components/availability.js';
import { initialState, reducer } from '../src/state/reducer.js';
import type { CallsClientConfig } from '../src/state/types.js';
import { shortcutOf } from '../src/shortcuts.js';

const CH = 'c'.repeat(26);
const channel = (over: Partial<Channel> = {}) => ({ id: CH, type: 'O', delete_at: 0, name: 'town', display_name: 'Town' }) as Channel & typeof over;
const user = (roles: string) => ({ id: 'me', roles, delete_at: 0 }) as UserProfile;
const config = (over: Partial<CallsClientConfig> = {}) => ({ DefaultEnabled: true, MaxCallParticipants: 0, ...over }) as CallsClientConfig;

function withCall(sessions: number, cfg = config()) {
  let s = reducer(initialState(), { type: 'CALLS_CONFIG', config: cfg } as never);
  s = reducer(s, { type: 'CALLS_CALL_STARTED', channelId: CH, id: 'k', startAt: 1, ownerId: 'u0', hostId: 'u0', threadId: '', postId: '' } as never);
  for (let i = 0; i < sessions; i++) s = reducer(s, { type: 'CALLS_USER_JOINED', channelId: CH, userId: `u${i}`, sessionId: `s${i}` } as never);
  return s;
}

test('start, join, in call', () => {
  const none = reducer(initialState(), { type: 'CALLS_CONFIG', config: config() } as never);
  assert.deepEqual(callAvailability({ calls: none, channel: channel(), me: user('system_user') }), { state: 'start', reason: '', participants: 0 });
  assert.deepEqual(callAvailability({ calls: withCall(2), channel: channel(), me: user('system_user') }), { state: 'join', reason: '', participants: 2 });
  const mine = reducer(withCall(1), { type: 'CALLS_MY_CALL_JOINING', channelId: CH, sessionId: 's9', micAvailable: true, now: 1 } as never);
  assert.equal(callAvailability({ calls: mine, channel: channel(), me: user('system_user') }).state, 'in-call');
});

test('disabled with a reason: archived, full, deactivated DM peer, disabled channel, test mode', () => {
  const me = user('system_user');
  assert.match(callAvailability({ calls: withCall(0), channel: { ...channel(), delete_at: 5 }, me }).reason, /archived/);
  assert.match(callAvailability({ calls: withCall(3, config({ MaxCallParticipants: 3 })), channel: channel(), me }).reason, /maximum capacity of 3/);
  assert.equal(callAvailability({ calls: withCall(2, config({ MaxCallParticipants: 3 })), channel: channel(), me }).reason, '');
  assert.match(callAvailability({ calls: withCall(0), channel: { ...channel(), type: 'D' }, me, dmTeammate: { ...user(''), delete_at: 9 } }).reason, /deactivated/);
  const off = reducer(initialState(), { type: 'CALLS_CHANNEL_ENABLED', channelId: CH, enabled: false } as never);
  assert.match(callAvailability({ calls: off, channel: channel(), me }).reason, /disabled in this channel/);
  const testMode = reducer(initialState(), { type: 'CALLS_CONFIG', config: config({ DefaultEnabled: false }) } as never);
  assert.match(callAvailability({ calls: testMode, channel: channel(), me }).reason, /test mode/);
  assert.equal(callAvailability({ calls: testMode, channel: channel(), me: user('system_user system_admin') }).reason, '');
});

test('keyboard shortcuts of the reference', () => {
  const k = (code: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({ code, key: '', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });
  assert.equal(shortcutOf(k('KeyS', { ctrlKey: true, altKey: true }), false), 'join');
  assert.equal(shortcutOf(k('KeyS', { metaKey: true, altKey: true }), true), 'join');
  assert.equal(shortcutOf(k('Space', { ctrlKey: true, shiftKey: true }), false), 'mute');
  assert.equal(shortcutOf(k('KeyY', { ctrlKey: true, shiftKey: true }), false), 'hand');
  assert.equal(shortcutOf(k('KeyX', { ctrlKey: true, shiftKey: true }), false), 'reactions');
  assert.equal(shortcutOf(k('KeyE', { ctrlKey: true, shiftKey: true }), false), 'screen');
  assert.equal(shortcutOf(k('KeyL', { ctrlKey: true, shiftKey: true }), false), 'leave');
  assert.equal(shortcutOf(k('KeyP', { altKey: true }), false), 'participants');
  assert.equal(shortcutOf(k('KeyP', { ctrlKey: true, shiftKey: true }), false), 'participants');
  assert.equal(shortcutOf(k('KeyE', { metaKey: true, shiftKey: true }), false), undefined, 'Cmd is not Ctrl off a Mac');
  assert.equal(shortcutOf(k('KeyE', { ctrlKey: true }), false), undefined);
});

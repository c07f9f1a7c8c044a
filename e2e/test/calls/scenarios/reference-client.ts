// Scenario 6: compatibility with the reference client. The unmodified RTCPeer of @mattermost/calls-common
// (npm 0.27.2), in a page of its own speaking the plugin's WebSocket protocol, joins the call our UI's
// users are in; voice goes both ways and our UI shows the reference user like any other.
import assert from 'node:assert/strict';
import { describePeers } from '../../support/media-stats.js';
import type { Cast } from '../cast.js';
import { wsEventDelta } from '../cast.js';
import { leaveAll } from './common.js';

export async function referenceClientInterop(cast: Cast): Promise<void> {
  const { w } = cast;
  const channel = await cast.channel('Partner bridge', 'alice', ['bob', 'carol']);
  const before = await w.metrics.snapshot();
  const alice = await cast.ui('alice', channel);
  const bob = await cast.ui('bob', channel);
  await alice.joinFromHeader();
  await bob.joinFromHeader();

  const ref = await cast.reference('carol', channel);
  const refSession = await ref.joined();
  for (const u of [alice, bob]) await u.seesParticipant(refSession, { muted: 'true', me: 'false' });

  await alice.unmute();
  await bob.unmute();
  await ref.unmute();
  for (const u of [alice, bob]) await u.seesParticipant(refSession, { muted: 'false' });
  await ref.hears({ count: 2, from: [alice.sessionId, bob.sessionId] });
  try {
    await alice.hears({ from: [refSession] });
    await bob.hears({ from: [refSession] });
  } catch (err) {
    // What the reference client itself negotiated and sends tells where its voice stopped.
    throw new Error(`${(err as Error).message}; reference client peers: ${await describePeers(ref.page)}`);
  }
  await w.metrics.until('3 sessions, 3 voice tracks in and 6 out', (m) => m.sessions === 3 && m.tracks('in', 'audio/opus') === 3 && m.tracks('out', 'audio/opus') === 6);
  // Its mute is shown to our users like anyone's.
  await ref.mute();
  for (const u of [alice, bob]) await u.seesParticipant(refSession, { muted: 'true' });
  assert.deepEqual(await ref.errors(), [], 'the reference client saw no error');

  await ref.leave(w);
  for (const u of [alice, bob]) {
    await u.openParticipants();
    await u.participant(refSession).waitFor({ state: 'detached' });
  }
  await w.metrics.until('the reference client’s session is gone', (m) => m.sessions === 2);

  const after = await w.metrics.snapshot();
  assert.equal(wsEventDelta(before, after, 'in', 'join'), 3);
  assert.ok(wsEventDelta(before, after, 'in', 'sdp') >= 3, 'sdp frames (zlib + msgpack) from every client');
  assert.ok(wsEventDelta(before, after, 'in', 'leave') >= 1, 'the reference client said leave');
  await leaveAll(cast, [alice, bob], channel);
}

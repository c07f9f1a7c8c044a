// Scenario 1: three users in their own browsers join one call from the channel header; each hears the
// two others (inbound-rtp packets and audio level rising), mute/unmute shows for the others, the
// speaking indicator lights, a raised hand and a reaction are seen; the metrics tell the same story.
import assert from 'node:assert/strict';
import type { Cast } from '../cast.js';
import { rtcdMessageDelta, wsEventDelta } from '../cast.js';
import { leaveAll } from './common.js';

export async function threeUsersVoiceCall(cast: Cast): Promise<void> {
  const { w } = cast;
  const channel = await cast.channel('Weekly sync', 'alice', ['bob', 'carol'], 'Monday status round: what shipped, what is blocked.');
  const before = await w.metrics.snapshot();
  const alice = await cast.ui('alice', channel);
  const bob = await cast.ui('bob', channel);
  const carol = await cast.ui('carol', channel);

  // alice starts the call; the others see "Join call" in the header and join from there.
  await alice.callButton.and(alice.page.locator('[data-state="start"]')).waitFor();
  await alice.joinFromHeader();
  await bob.callButton.and(bob.page.locator('[data-state="join"]')).waitFor();
  await bob.joinFromHeader();
  await carol.joinFromHeader();
  const everyone = [alice, bob, carol];
  for (const u of everyone) {
    await u.tid('calls-widget-participants-toggle').and(u.page.locator('[data-count="3"]')).waitFor();
    for (const other of everyone) await u.seesParticipant(other.sessionId, { muted: 'true', me: String(u === other) });
  }
  await w.metrics.until('three sessions and links', (m) => m.sessions === 3 && m.wsConnections === 3 && m.calls === 1);

  // Everyone unmutes; the others see it, and every voice reaches the two others.
  for (const u of everyone) {
    await u.unmute();
    for (const other of everyone) await other.seesParticipant(u.sessionId, { muted: 'false' });
  }
  for (const u of everyone) {
    const others = everyone.filter((o) => o !== u).map((o) => o.sessionId);
    await u.hears({ count: 2, from: others });
  }
  // The fake microphone beeps: voice activity lights the speaking indicator for the others.
  await bob.seesParticipant(alice.sessionId, { speaking: 'true' });
  await bob.tid('calls-widget-speaking').and(bob.page.locator('[data-speaking="true"]')).waitFor();
  const voice = await w.metrics.until('3 voice tracks in, 6 out', (m) => m.tracks('in', 'audio/opus') === 3 && m.tracks('out', 'audio/opus') === 6);
  assert.ok(voice.rtpPackets('in', 'voice') > 0, 'the SFU counts voice packets');
  if (w.rtcd) assert.equal(voice.p('rtc_sessions_total'), 0, 'with rtcd, the plugin process runs no RTC session itself');
  await alice.closeParticipants();
  await cast.screenshot('alice', 'call-widget.png');

  // alice mutes: bob and carol see it.
  await alice.mute();
  for (const u of [bob, carol]) await u.seesParticipant(alice.sessionId, { muted: 'true' });

  // carol raises her hand, the others see it; she lowers it.
  await carol.raiseHand();
  for (const u of [alice, bob]) await u.seesParticipant(carol.sessionId, { hand: 'true' });
  await carol.lowerHand();
  for (const u of [alice, bob]) await u.seesParticipant(carol.sessionId, { hand: 'false' });

  // bob reacts from the expanded view; alice and carol, in theirs, see it in the reaction stream.
  for (const u of everyone) await u.expand();
  await bob.tid('calls-expanded-reactions').click();
  await bob.page.locator('[data-testid="calls-reaction-button"][data-emoji="+1"]').click();
  for (const u of [alice, carol]) {
    await u.page.locator(`[data-testid="calls-reaction-item"][data-user-id="${bob.id}"][data-emoji="+1"]`).waitFor();
  }
  for (const u of everyone) {
    await u.tid('calls-expanded-close').click();
    await u.widget.waitFor();
  }

  const during = await w.metrics.snapshot();
  assert.equal(wsEventDelta(before, during, 'in', 'join'), 3, 'three joins');
  assert.ok(wsEventDelta(before, during, 'in', 'unmute') >= 3);
  assert.ok(wsEventDelta(before, during, 'in', 'mute') >= 1);
  assert.equal(wsEventDelta(before, during, 'in', 'raise_hand'), 1);
  assert.equal(wsEventDelta(before, during, 'in', 'unraise_hand'), 1);
  assert.equal(wsEventDelta(before, during, 'in', 'react'), 1);
  assert.equal(wsEventDelta(before, during, 'out', 'user_reacted'), 1);
  assert.ok(wsEventDelta(before, during, 'out', 'user_voice_on') >= 1, 'voice activity was sent');
  if (w.rtcd) assert.equal(rtcdMessageDelta(before, during, 'in', 'join'), 3, 'rtcd got three joins from the plugin');

  await leaveAll(cast, everyone, channel);
}

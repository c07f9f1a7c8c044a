// Scenario 3: the host (the user who started the call) mutes another participant, removes one, and ends
// the call for everyone; the call post then shows "Call ended" to all.
import assert from 'node:assert/strict';
import type { Cast } from '../cast.js';
import { wsEventDelta } from '../cast.js';
import { metricsIdle, seesCallEnded } from './common.js';

export async function hostControls(cast: Cast): Promise<void> {
  const { w } = cast;
  const channel = await cast.channel('All hands', 'alice', ['bob', 'carol']);
  const before = await w.metrics.snapshot();
  const alice = await cast.ui('alice', channel);
  const bob = await cast.ui('bob', channel);
  const carol = await cast.ui('carol', channel);
  await alice.joinFromHeader();
  await bob.joinFromHeader();
  await carol.joinFromHeader();
  await carol.seesParticipant(alice.sessionId, { host: 'true' });
  await alice.seesParticipant(bob.sessionId, { host: 'false' });

  // bob talks; the host mutes him: his own widget shows muted, and so does everyone's list.
  await bob.unmute();
  await alice.hears({ from: [bob.sessionId] });
  await alice.hostAction(bob.sessionId, 'calls-host-mute');
  await bob.tid('calls-widget-mute').and(bob.page.locator('[data-muted="true"]')).waitFor();
  for (const u of [alice, carol]) await u.seesParticipant(bob.sessionId, { muted: 'true' });

  // The host removes carol (after confirming): she is told and out; the others see her gone.
  await alice.hostAction(carol.sessionId, 'calls-host-remove');
  await alice.tid('calls-remove-confirm').click();
  await carol.banner('removed');
  await carol.widget.waitFor({ state: 'detached' });
  for (const u of [alice, bob]) {
    await u.openParticipants();
    await u.participant(carol.sessionId).waitFor({ state: 'detached' });
  }
  carol.sessionId = '';
  await w.metrics.until('two sessions after the removal', (m) => m.sessions === 2 && m.wsConnections === 2);

  // The host ends the call for everyone.
  await alice.tid('calls-widget-menu').click();
  await alice.tid('calls-end-call').click();
  await alice.tid('calls-end-confirm').click();
  await bob.banner('ended-by-host');
  for (const u of [alice, bob]) {
    await u.widget.waitFor({ state: 'detached' });
    u.sessionId = '';
  }
  for (const u of [alice, bob, carol]) await seesCallEnded(u);

  const after = await metricsIdle(cast);
  assert.equal(wsEventDelta(before, after, 'out', 'host_mute'), 1);
  assert.equal(wsEventDelta(before, after, 'out', 'host_removed'), 1);
  assert.equal(wsEventDelta(before, after, 'out', 'call_end'), 1);
}

// Scenario 5: alice starts a call in her direct messages with dave; dave, looking at another channel, gets
// the incoming-call notice ("Call from alice"), joins from it, and they hear each other.
import assert from 'node:assert/strict';
import type { Cast } from '../cast.js';
import { leaveAll } from './common.js';

export async function dmRinging(cast: Cast): Promise<void> {
  const { w, users } = cast;
  const dm = await users.alice.client.createDirectChannel([users.alice.user.id, users.dave.user.id]);
  const dave = await cast.ui('dave');
  const alice = await cast.ui('alice');
  await alice.openChannel(dm, 'dave');

  await alice.joinFromHeader();
  const notice = dave.page.locator(`[data-testid="calls-incoming"][data-channel-id="${dm.id}"]`);
  await notice.waitFor();
  assert.match(await notice.innerText(), /alice/);
  await notice.getByTestId('calls-incoming-join').click();
  await dave.connected();
  assert.equal(await dave.widget.getAttribute('data-channel-id'), dm.id, 'dave joined the DM call');
  await notice.waitFor({ state: 'detached' });
  await w.metrics.until('two sessions in the DM call', (m) => m.sessions === 2 && m.calls === 1);

  await alice.unmute();
  await dave.unmute();
  await dave.hears({ from: [alice.sessionId] });
  await alice.hears({ from: [dave.sessionId] });

  // dave's window was elsewhere: he opens the DM to see the card when the call ends.
  await dave.openChannel(dm, 'alice');
  await leaveAll(cast, [alice, dave], dm);
}

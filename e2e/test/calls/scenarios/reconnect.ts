// Scenario 4: a user's WebSocket to the server is cut (the server end is terminated, as a dropped network
// path would); the page reconnects and the call goes on without a new join: same session, voice still
// flowing both ways, signaling working (a raised hand), and nobody saw the user leave.
import assert from 'node:assert/strict';
import { waitFor } from '../../../../rtcd/test/helpers/wait.js';
import type { Cast } from '../cast.js';
import { wsEventDelta } from '../cast.js';
import { leaveAll } from './common.js';

export async function webSocketCut(cast: Cast): Promise<void> {
  const { w } = cast;
  const channel = await cast.channel('Support rotation', 'alice', ['bob']);
  const alice = await cast.ui('alice', channel);
  const bob = await cast.ui('bob', channel);
  await alice.joinFromHeader();
  await bob.joinFromHeader();
  await alice.unmute();
  await bob.unmute();
  await bob.hears({ from: [alice.sessionId] });
  const session = alice.sessionId;
  const before = await w.metrics.snapshot();

  const reconnects = await alice.countReconnects();
  const connId = await alice.wsConnectionId();
  const conn = w.calls.host.host.hub.get(connId);
  assert.ok(conn?.socket, 'the server knows alice’s WebSocket');
  conn.socket.terminate();
  await waitFor('alice’s page reconnected', async () => (await reconnects()) >= 1 && (await alice.wsStatus()) === 'connected', 30_000);

  // Same call, same session: the widget stays connected and keeps its session id.
  await alice.widget.and(alice.page.locator(`[data-status="connected"][data-session-id="${session}"]`)).waitFor();
  await bob.seesParticipant(session, { muted: 'false' });
  // Signaling works after the cut, and voice keeps flowing both ways (fresh readings).
  await alice.raiseHand();
  await bob.seesParticipant(session, { hand: 'true' });
  await bob.hears({ from: [session] });
  await alice.hears({ from: [bob.sessionId] });

  const after = await w.metrics.snapshot();
  assert.equal(wsEventDelta(before, after, 'in', 'join'), 0, 'no new join');
  assert.equal(wsEventDelta(before, after, 'out', 'user_left'), 0, 'nobody saw alice leave');
  assert.equal(wsEventDelta(before, after, 'out', 'user_joined'), 0);
  assert.equal(after.sessions, 2);
  await leaveAll(cast, [alice, bob], channel);
}

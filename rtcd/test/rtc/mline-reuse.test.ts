// A client that adds its microphone with addTrack (calls-common's RTCPeer does; browsers then reuse an audio
// m-line that so far only received) is heard: the SFU answers that m-line sendrecv, receives the client's
// voice on it while it keeps sending the other participant's there, and keeps receiving it when that
// participant leaves.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { LEVELS } from '../helpers/media-sources.js';
import { startTestSfu, type TestSfu } from '../helpers/server-link.js';
import { waitFor } from '../helpers/wait.js';

let sfu: TestSfu;
before(async () => {
  sfu = await startTestSfu({ config: { mediaWorkers: 1 } });
});
after(async () => {
  await sfu?.close();
});

it('a microphone added on a reused receiving m-line reaches the others, before and after that m-line stops sending', async () => {
  const a = await sfu.link.join({ callID: 'reuse' });
  const b = await sfu.link.join({ callID: 'reuse' }, { micWithAddTrack: true });
  const c = await sfu.link.join({ callID: 'reuse' });
  await waitFor('connected', () => [a, b, c].every((x) => x.dcOpen));
  await a.unmute(LEVELS.speech);
  await waitFor('B receives A', () => b.received.packets(a.sessionID, 'voice') >= 10);

  await b.unmute(LEVELS.speech);
  const shared = b.pc.getTransceivers().find((t) => t.kind === 'audio' && t.sender.track)!;
  assert.equal(shared.mid, b.received.from(a.sessionID, 'voice')[0]!.mid, 'the microphone went on the m-line that carried A');
  assert.equal(shared.currentDirection, 'sendrecv', 'the SFU answered sendrecv');
  await waitFor('A and C hear B', () => a.received.packets(b.sessionID, 'voice') >= 20 && c.received.packets(b.sessionID, 'voice') >= 20);
  const fromA = b.received.packets(a.sessionID, 'voice');
  await waitFor('B still hears A on the same m-line', () => b.received.packets(a.sessionID, 'voice') >= fromA + 20);

  await sfu.link.leave(a);
  await waitFor('the m-line no longer sends A to B', () => shared.currentDirection === 'sendonly');
  const n = c.received.packets(b.sessionID, 'voice');
  await waitFor('C still hears B', () => c.received.packets(b.sessionID, 'voice') >= n + 20);
});

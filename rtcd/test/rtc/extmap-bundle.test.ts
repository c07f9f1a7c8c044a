// Header extension ids in the SFU's offers. werift clients numbered as Chrome numbers (audio-level 1,
// abs-send-time 2, transport-cc 3, mid 4, rid 10, repaired-rid 11) or with a numbering nobody uses by
// default go through the orders that made Chromium refuse our offers or crash later: someone unmutes,
// someone else shares; the sharer stops while receiving voices and shares again; a client whose first media
// comes from the server sends its own afterwards. Every description each client applies or sends keeps one
// URI ↔ one id across its BUNDLE, and the packets it receives carry only the ids its session negotiated,
// `sdes:mid` with its own m-line's mid (the fast path writes the receiver's numbering).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallsTestClient } from '../helpers/calls-client.js';
import { LEVELS } from '../helpers/media-sources.js';
import { metricValue } from '../helpers/metrics-reader.js';
import { startTestSfu, type TestSfu } from '../helpers/server-link.js';
import { waitFor } from '../helpers/wait.js';
import { CHROME_IDS, ODD_IDS, URIS, extmapsOf, useNumbering } from './support/bundle-extmap.js';
import { SessionWatch } from './support/session-watch.js';

describe('one header extension numbering per BUNDLE in server offers', () => {
  let sfu: TestSfu;
  const watches = new Map<CallsTestClient, SessionWatch>();
  const watch = (c: CallsTestClient) => watches.get(c)!;

  before(async () => {
    sfu = await startTestSfu({ config: { mediaWorkers: 1 } });
  });
  after(async () => {
    await sfu?.close();
  });

  async function join(name: string, ids: Record<string, number>, dcSignaling = false): Promise<CallsTestClient> {
    const c = await sfu.link.join({ callID: 'extmap', props: { dcSignaling } }, { start: false });
    useNumbering(c.pc, ids);
    watches.set(c, new SessionWatch(c.pc, name));
    await c.start();
    return c;
  }

  /** Every client's descriptions and received packets are consistent; the first problems say which. */
  function consistent(): void {
    for (const w of watches.values()) {
      assert.deepEqual(w.ledger.violations.slice(0, 4), [], `${w.name}: every description keeps the bundle's numbering`);
      assert.deepEqual([...w.rtp.problems].slice(0, 4), [], `${w.name}: received packets use the negotiated ids`);
    }
  }

  it('follows the numbering of the client that offered first: unmute, a share from someone else, stop while receiving voices, share again', async () => {
    const carol = await join('carol', ODD_IDS);
    const alice = await join('alice', CHROME_IDS);
    const bob = await join('bob', CHROME_IDS, true);
    await waitFor('connected', () => [alice, bob, carol].every((x) => x.dcOpen && x.connectionState === 'connected'));

    await carol.unmute(LEVELS.speech);
    await waitFor('alice and bob hear carol', () => alice.received.packets(carol.sessionID, 'voice') >= 20 && bob.received.packets(carol.sessionID, 'voice') >= 20);
    await alice.unmute(LEVELS.speech);
    await waitFor('bob and carol hear alice', () => bob.received.packets(alice.sessionID, 'voice') >= 20 && carol.received.packets(alice.sessionID, 'voice') >= 20);
    // The m-section the SFU added for alice's voice on carol's session uses carol's ids, not werift's 1..n.
    const carolOffer = watch(carol).offersReceived.at(-1)!;
    const midIds = extmapsOf(carolOffer).flat().filter(([, uri]) => uri === URIS.mid).map(([id]) => id);
    assert.deepEqual([...new Set(midIds)], [ODD_IDS[URIS.mid]]);
    assert.equal(midIds.length, 2, 'both audio m-sections carry sdes:mid');

    await bob.startScreen({ audio: true });
    await waitFor('alice and carol see the screen', () => alice.received.packets(bob.sessionID, 'screen') >= 10 && carol.received.packets(bob.sessionID, 'screen') >= 10);
    await waitFor('alice and carol hear the screen audio', () => alice.received.packets(bob.sessionID, 'screen-audio') >= 10 && carol.received.packets(bob.sessionID, 'screen-audio') >= 10);
    // Video URIs carol never offered: ids her bundle has free (rid 10 and repaired-rid 11, as Chrome's).
    assert.equal(watch(carol).ledger.idOf(URIS.rid), CHROME_IDS[URIS.rid]);
    assert.equal(watch(carol).ledger.idOf(URIS.twcc), ODD_IDS[URIS.twcc]);

    await bob.unmute(LEVELS.speech);
    await waitFor('alice and carol hear bob', () => alice.received.packets(bob.sessionID, 'voice') >= 20 && carol.received.packets(bob.sessionID, 'voice') >= 20);

    // The sharer stops while receiving two voices; the viewers renegotiate the screen away.
    await bob.stopScreen();
    await waitFor('viewers lost the screen', () => [alice, carol].every((x) => Object.values(x.mediaMap).every((t) => t.type !== 'screen')));
    const heard = bob.received.packets(alice.sessionID, 'voice') + bob.received.packets(carol.sessionID, 'voice');
    await waitFor('bob still hears alice and carol', () => bob.received.packets(alice.sessionID, 'voice') + bob.received.packets(carol.sessionID, 'voice') >= heard + 40);

    // And shares again: the m-lines freed by the stop are reused with the same numbering.
    await bob.startScreen();
    await waitFor('alice and carol see the new screen', () => [alice, carol].every((x) => x.received.from(bob.sessionID, 'screen').length === 2 && x.received.from(bob.sessionID, 'screen')[1]!.packets >= 10));
    for (const w of watches.values()) assert.ok(w.offersReceived.length >= 2, `${w.name} received server offers`);
    for (const w of watches.values()) assert.ok(w.rtp.packets > 50, `${w.name} received media`);
    consistent();
  });

  it('a client whose first media comes from the server keeps one numbering when it sends its own', async () => {
    const dave = await join('dave', CHROME_IDS);
    await waitFor('dave receives three voices and the screen', () => dave.received.tracks.length >= 4 && dave.received.tracks.every((t) => t.packets > 5));
    await dave.unmute(LEVELS.speech);
    const alice = [...watches.keys()][1]!;
    await waitFor('alice hears dave', () => alice.received.packets(dave.sessionID, 'voice') >= 20);
    consistent();
    assert.equal(await metricValue(sfu.registry, 'rtcd_rtc_errors_total', { type: 'signaling' }), 0, 'no client was seen renumbering its bundle');
  });
});

// Participants unmute at the same moment, again and again: each first unmute is a client renegotiation that
// publishes a voice the SFU must then offer to everyone else, while the other clients' own renegotiations are
// in flight. Every receiver must end up with every voice — the tracks gauge says N in and N·(N−1) out, each
// client hears the others — whatever the order in which offers, answers, Lock/Unlock and the server's queued
// renegotiations meet. The signaling on the WebSocket is slower than the data channel (as in rtcd mode,
// where it goes through the plugin). Clients: our protocol's (DC Lock/Unlock around their offers; SDP on the
// WebSocket or over the DC; microphone on a new m-line or with addTrack), and the reference RTCPeer's, which
// takes no lock and re-offers after a glare.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createRtcMetrics, RtcServer, type RtcMessage } from '@calls-ts/rtcd/rtc';
import type { CallsTestClient } from '../helpers/calls-client.js';
import { LEVELS } from '../helpers/media-sources.js';
import { metricValue } from '../helpers/metrics-reader.js';
import type { ReceivedMedia } from '../helpers/received-media.js';
import { ServerLink, testRtcConfig } from '../helpers/server-link.js';
import { waitFor } from '../helpers/wait.js';
import { DelayedEndpoint } from './support/delayed-endpoint.js';
import { LocklessPeer } from './support/lockless-peer.js';

const ROUNDS = Number(process.env.UNMUTE_RACE_ROUNDS ?? 6);

/** What the test needs of either kind of client. */
interface Participant {
  sessionID: string;
  received: ReceivedMedia;
  readonly dcOpen: boolean;
  readonly connectionState: string;
  unmute(): Promise<void> | void;
  errors: unknown[];
}

describe('simultaneous unmutes: every receiver gets every voice', () => {
  const registry = new Registry();
  let server: RtcServer;
  let endpoint: DelayedEndpoint;
  let link: ServerLink;
  const lockless = new Map<string, LocklessPeer>();
  const tracks = (direction: string) => metricValue(registry, 'rtcd_rtc_rtp_tracks_total', { group_id: 'default', direction, type: 'audio/opus' });
  const lockTimeouts = () => metricValue(registry, 'rtcd_rtc_errors_total', { type: 'signaling_lock_timeout' });

  before(async () => {
    server = new RtcServer(testRtcConfig({ mediaWorkers: 1 }), { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), metrics: createRtcMetrics(registry, 'rtcd') });
    await server.start();
    endpoint = new DelayedEndpoint(server, 15);
    endpoint.on('message', (msg: RtcMessage) => lockless.get(msg.sessionID)?.receive(msg));
    link = await ServerLink.create(endpoint);
  });
  after(async () => {
    for (const p of lockless.values()) await p.close();
    await link?.close();
    endpoint?.close();
    await server?.stop();
  });

  async function joinOurs(callID: string, dcSignaling: boolean, micWithAddTrack: boolean): Promise<Participant & { client: CallsTestClient }> {
    const client = await link.join({ callID, props: { dcSignaling } }, { micWithAddTrack });
    return {
      client,
      sessionID: client.sessionID,
      received: client.received,
      get dcOpen() {
        return client.dcOpen;
      },
      get connectionState() {
        return client.connectionState;
      },
      unmute: () => client.unmute(LEVELS.speech),
      errors: client.errors,
    };
  }

  async function joinReference(callID: string): Promise<Participant & { peer: LocklessPeer }> {
    const peer = new LocklessPeer({ stunUrl: link.stun.url, send: (msg) => endpoint.send(msg) });
    lockless.set(peer.sessionID, peer);
    await endpoint.initSession({ groupID: 'default', callID, userID: `ref-${peer.sessionID.slice(0, 6)}`, sessionID: peer.sessionID, props: {} });
    return {
      peer,
      sessionID: peer.sessionID,
      received: peer.received,
      get dcOpen() {
        return peer.dcOpen;
      },
      get connectionState() {
        return peer.connectionState;
      },
      unmute: () => peer.unmute(),
      errors: peer.errors,
    };
  }

  async function leave(p: Participant & { client?: CallsTestClient; peer?: LocklessPeer }): Promise<void> {
    if (p.client) return link.leave(p.client);
    await endpoint.closeSession(p.sessionID).catch(() => undefined);
    lockless.delete(p.sessionID);
    await p.peer?.close();
  }

  const variants: { name: string; kinds: ('ws' | 'dc' | 'addTrack' | 'reference')[] }[] = [
    { name: 'SDP on the WebSocket', kinds: ['ws', 'ws', 'ws'] },
    { name: 'SDP over the data channel', kinds: ['dc', 'dc', 'dc'] },
    { name: 'microphones added with addTrack', kinds: ['addTrack', 'addTrack', 'ws'] },
    { name: 'reference clients without the lock', kinds: ['reference', 'reference', 'ws'] },
    { name: 'a reference client and ours', kinds: ['reference', 'dc', 'ws'] },
  ];

  for (const v of variants) {
    it(`${v.name}: ${ROUNDS} rounds`, async () => {
      const timeoutsBefore = await lockTimeouts();
      for (let round = 0; round < ROUNDS; round++) {
        const callID = `race-${v.name}-${round}`;
        const all = await Promise.all(
          v.kinds.map((k) => (k === 'reference' ? joinReference(callID) : joinOurs(callID, k === 'dc', k === 'addTrack'))),
        );
        const [a, b, c] = all as Participant[] as [Participant, Participant, Participant];
        await waitFor('connected with open data channels', () => all.every((x) => x.dcOpen && x.connectionState === 'connected'));
        // On odd rounds c talks first: a and b then also get a server offer while they unmute.
        if (round % 2 === 1) await c.unmute();
        await Promise.all([a.unmute(), b.unmute()]);
        const talkers = round % 2 === 1 ? all : [a, b];
        const n = talkers.length; // each talker is received by the two others
        try {
          await waitFor(`round ${round}: everyone hears every talker`, () =>
            all.every((rx) => talkers.every((tx) => tx === rx || rx.received.packets(tx.sessionID, 'voice') >= 10)),
          );
          await waitFor(`round ${round}: tracks gauge ${n} in, ${n * 2} out`, async () => (await tracks('in')) === n && (await tracks('out')) === n * 2);
        } catch (err) {
          throw new Error(`${(err as Error).message}; ${summary(all)}; tracks in ${await tracks('in')} out ${await tracks('out')}`);
        }
        for (const x of all) assert.deepEqual(x.errors.map(String), [], 'no client saw a signaling error');
        for (const x of all) await leave(x);
        await waitFor('tracks back to zero', async () => (await tracks('in')) === 0 && (await tracks('out')) === 0);
      }
      assert.equal(await lockTimeouts(), timeoutsBefore, 'no renegotiation waited out the signaling lock');
    });
  }
});

function summary(ps: Participant[]): string {
  return ps
    .map((p) => `${p.sessionID.slice(0, 6)} hears [${p.received.tracks.map((t) => `${t.senderID.slice(0, 6)}:${t.type}=${t.packets}`).join(' ')}]`)
    .join('; ');
}

// The fast media path with real werift clients (they decrypt and parse what they receive with werift, so a
// wrong key, header or sequence shows): both SRTP profiles; each receiver leg's own header extensions;
// sequence numbers continuous across mute/unmute and a restarted screen share; sender reports that match
// what was sent; forged and replayed SRTP refused and counted; and werift's own path as the selectable
// fallback. The path counters say which path carried the packets.
import assert from 'node:assert/strict';
import { RtcpRrPacket } from 'werift';
import { after, before, describe, it } from 'node:test';
import type { CallsTestClient } from '../helpers/calls-client.js';
import { LEVELS } from '../helpers/media-sources.js';
import { metricValue } from '../helpers/metrics-reader.js';
import type { ReceivedTrack } from '../helpers/received-media.js';
import { startTestSfu, type TestSfu } from '../helpers/server-link.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { PROFILE_AEAD_AES_128_GCM, PROFILE_AES_CM_128_HMAC_SHA1_80, srtpKeysOf } from '../../src/rtc/srtp/index.js';
import { weriftMediaProblems } from '../../src/rtc/fast/werift-media.js';

const path = (sfu: TestSfu, direction: string, p: string, reason?: string) =>
  metricValue(sfu.registry, 'rtcd_rtc_rtp_path_packets_total', reason ? { direction, path: p, reason } : { direction, path: p });

/** Every consecutive pair of received packets is one sequence number apart (mod 2^16): no gap, no repeat. */
function assertContinuous(t: ReceivedTrack, what: string): void {
  assert.ok(t.order.length > 10, `${what}: enough packets`);
  for (let i = 1; i < t.order.length; i++) {
    const d = (t.order[i]!.seq - t.order[i - 1]!.seq) & 0xffff;
    assert.equal(d, 1, `${what}: packet ${i} follows ${t.order[i - 1]!.seq} with ${t.order[i]!.seq}`);
  }
}

it("werift's media internals are where the fast path expects them (else it stays off)", () => {
  assert.deepEqual(weriftMediaProblems(), []);
});

describe('fast media path', () => {
  let sfu: TestSfu;
  before(async () => {
    sfu = await startTestSfu({ config: { mediaWorkers: 1 } });
  });
  after(async () => {
    await sfu?.close();
  });

  for (const [profile, id] of [
    ['gcm', PROFILE_AEAD_AES_128_GCM],
    ['cm', PROFILE_AES_CM_128_HMAC_SHA1_80],
  ] as const) {
    it(`forwards voice and screen with ${profile === 'gcm' ? 'AEAD_AES_128_GCM' : 'AES_CM_128_HMAC_SHA1_80'} SRTP`, async () => {
      const a = await sfu.link.join({ callID: `srtp-${profile}` }, { srtpProfile: profile });
      const b = await sfu.link.join({ callID: `srtp-${profile}` }, { srtpProfile: profile });
      await waitFor('connected', () => a.dcOpen && b.dcOpen);
      assert.equal((await srtpKeysOf(a.pc)).profile, id);
      assert.equal((await srtpKeysOf(b.pc)).profile, id);
      const outFast = await path(sfu, 'out', 'fast');
      await a.unmute(LEVELS.speech);
      await b.startScreen();
      await waitFor('voice and screen decoded by werift clients', () => b.received.packets(a.sessionID, 'voice') >= 30 && a.received.packets(b.sessionID, 'screen') >= 20);
      await waitFor('a keyframe', () => a.received.keyframes(b.sessionID) >= 1);
      assert.ok((await path(sfu, 'out', 'fast')) >= outFast + 50);
      assert.equal(await path(sfu, 'out', 'werift'), 0, 'nothing fell back to werift');
      assert.equal(await path(sfu, 'in', 'werift'), 0);
      assert.equal(await path(sfu, 'in', 'dropped'), 0);
      await sfu.link.leave(a);
      await sfu.link.leave(b);
    });
  }

  describe('in one call', () => {
    let a: CallsTestClient;
    let b: CallsTestClient;
    let c: CallsTestClient;

    it("writes each receiver leg's own mid and transport-wide numbers, never the sender's", async () => {
      a = await sfu.link.join({ callID: 'ext' });
      b = await sfu.link.join({ callID: 'ext' });
      await waitFor('connected', () => a.dcOpen && b.dcOpen);
      await a.unmute(LEVELS.speech);
      await b.startScreen();
      await waitFor('media', () => b.received.packets(a.sessionID, 'voice') >= 20 && a.received.packets(b.sessionID, 'screen') >= 20);
      // A viewer who joins once the sharer has numbered many packets on its own transport.
      await waitFor('the sharer sent a while', () => b.screenPacketsSent >= 40);
      c = await sfu.link.join({ callID: 'ext' });
      await waitFor('C receives both', () => c.received.packets(a.sessionID, 'voice') >= 20 && c.received.packets(b.sessionID, 'screen') >= 20);

      for (const [x, from, type] of [[b, a, 'voice'], [c, a, 'voice'], [a, b, 'screen'], [c, b, 'screen']] as const) {
        const [t] = x.received.from(from.sessionID, type);
        assert.deepEqual([...t!.mids], [t!.mid], `${type} to ${x.sessionID} carries its own mid`);
        assert.equal(t!.withAudioLevel, 0, "the sender's audio level is not copied");
      }
      // One transport-wide sequence for everything C receives (voice and screen interleaved), starting with
      // C's own transport, not continuing the sender's.
      const all = c.received.transportSeqs;
      assert.ok(all.some((s) => s.type === 'voice') && all.some((s) => s.type === 'screen'));
      const tw = all.map((s) => s.seq);
      assert.ok(tw[0]! < 20, `C's transport numbers start with C's transport (first ${tw[0]}), not a sender's`);
      for (let i = 1; i < tw.length; i++) assert.equal((tw[i]! - tw[i - 1]!) & 0xffff, 1, 'one transport-wide number per packet, in order');
    });

    it('keeps sequence numbers continuous across mute and unmute (timestamps keep the gap)', async () => {
      const before = b.received.packets(a.sessionID, 'voice');
      a.mute({ keepSending: true });
      const sentAtMute = a.voicePacketsSent;
      await waitFor('the SFU drops what A keeps sending', () => a.voicePacketsSent >= sentAtMute + 40);
      const whileMuted = b.received.packets(a.sessionID, 'voice');
      assert.ok(whileMuted - before < 15, 'muted packets are not forwarded');
      await a.unmute(LEVELS.speech);
      await waitFor('voice resumes', () => b.received.packets(a.sessionID, 'voice') >= whileMuted + 30);
      const [t] = b.received.from(a.sessionID, 'voice');
      assertContinuous(t!, 'voice to B');
      const gaps = t!.order.slice(1).map((p, i) => (p.ts - t!.order[i]!.ts) >>> 0);
      assert.ok(Math.max(...gaps) >= 30 * 960, 'the muted time shows in the timestamps');
    });

    it('starts a restarted screen share as a new continuous stream with a keyframe', async () => {
      await b.stopScreen();
      await waitFor('screen gone for A', () => Object.values(a.mediaMap).every((m) => m.type !== 'screen'));
      await b.startScreen();
      await waitFor('the new screen reaches A', () => a.received.from(b.sessionID, 'screen').length === 2 && a.received.from(b.sessionID, 'screen')[1]!.packets >= 20);
      const [first, second] = a.received.from(b.sessionID, 'screen');
      assert.notEqual(second!.order[0]!.ssrc, first!.order[0]!.ssrc);
      assertContinuous(first!, 'first share');
      assertContinuous(second!, 'second share');
      await waitFor('a keyframe on the new stream', () => second!.keyframes >= 1);
    });

    it("keeps werift's receiver reports current: the publisher hears how far we got", async () => {
      const voice = a.pc.getTransceivers().find((t) => t.kind === 'audio' && t.sender.track)!;
      const ssrc = voice.sender.ssrc;
      const highest: number[] = [];
      const sub = a.pc.dtlsTransports[0]!.onRtcp.subscribe((p) => {
        if (p instanceof RtcpRrPacket) for (const r of p.reports) if (r.ssrc === ssrc) highest.push(r.highestSequence & 0xffff);
      });
      await waitFor('two receiver reports', () => highest.length >= 2);
      sub.unSubscribe();
      // The fast ingest feeds werift's reception statistics: the reported highest sequence number keeps up
      // with what A sends (werift would report the first packet forever if only it saw packets).
      assert.notEqual(highest[0], highest.at(-1));
      assert.equal((voice.sender as unknown as { remotePacketsLost: number }).remotePacketsLost, 0);
    });

    it('sends sender reports that match what was sent', async () => {
      const [t] = b.received.from(a.sessionID, 'voice');
      await waitFor('three sender reports', () => t!.reports.length >= 3, 30_000);
      for (const r of t!.reports) {
        assert.ok(r.packetCount <= r.packetsReceived + 5, `SR packet count ${r.packetCount} vs ${r.packetsReceived} received`);
        assert.ok(r.packetCount >= r.packetsReceived - 60, `SR packet count ${r.packetCount} vs ${r.packetsReceived} received`);
      }
      // Each report's NTP/RTP pair is one instant: the RTP time of a packet that was sent, with the wall-clock
      // time it was sent (it arrived right after, on loopback).
      for (const r of t!.reports) {
        const sentMs = (Number(r.ntp >> 32n) - 2208988800) * 1000 + (Number(r.ntp & 0xffffffffn) / 2 ** 32) * 1000;
        const packet = t!.order.find((p) => p.ts === r.rtpTimestamp);
        assert.ok(packet, `the report's RTP time ${r.rtpTimestamp} is a sent packet's`);
        assert.ok(Math.abs(packet.at - sentMs) < 1000, `NTP time ${sentMs} is when that packet went out (arrived ${packet.at})`);
      }
    });

    it('refuses forged and replayed SRTP (counted), and the call goes on', async () => {
      const conn = a.pc.iceTransports[0]!.connection;
      let captured: Buffer | undefined;
      const send = conn.send;
      conn.send = async (data: Buffer) => {
        if (!captured && data[0]! >> 6 === 2 && (data[1]! & 0x7f) === 111) captured = Buffer.from(data);
        return send(data);
      };
      await waitFor('a voice packet captured', () => captured);
      conn.send = send;
      // A packet from the future (not a replay) whose authentication cannot hold: the header is covered.
      const forged = Buffer.from(captured!);
      forged.writeUInt16BE((forged.readUInt16BE(2) + 1000) & 0xffff, 2);
      const auth = await path(sfu, 'in', 'dropped', 'auth_failed');
      const replay = await path(sfu, 'in', 'dropped', 'replay');
      await conn.send(forged);
      await conn.send(captured!);
      await waitFor('both counted', async () => (await path(sfu, 'in', 'dropped', 'auth_failed')) === auth + 1 && (await path(sfu, 'in', 'dropped', 'replay')) === replay + 1);
      const n = b.received.packets(a.sessionID, 'voice');
      await waitFor('voice still flows', () => b.received.packets(a.sessionID, 'voice') >= n + 20);
      await sleep(100);
      for (const x of [a, b, c]) await sfu.link.leave(x);
    });
  });
});

describe("werift's own media path (mediaPath: 'werift')", () => {
  let sfu: TestSfu;
  before(async () => {
    sfu = await startTestSfu({ config: { mediaWorkers: 1 }, mediaPath: 'werift' });
  });
  after(async () => {
    await sfu?.close();
  });

  it('forwards everything through werift, and says so', async () => {
    const a = await sfu.link.join({ callID: 'w' });
    const b = await sfu.link.join({ callID: 'w' });
    await waitFor('connected', () => a.dcOpen && b.dcOpen);
    await a.unmute(LEVELS.speech);
    await b.startScreen();
    await waitFor('media', () => b.received.packets(a.sessionID, 'voice') >= 20 && a.received.packets(b.sessionID, 'screen') >= 20);
    assert.ok((await path(sfu, 'out', 'werift', 'disabled')) >= 40);
    assert.ok((await path(sfu, 'in', 'werift', 'disabled')) >= 40);
    assert.equal(await path(sfu, 'out', 'fast'), 0);
    assert.equal(await path(sfu, 'in', 'fast'), 0);
    const [t] = b.received.from(a.sessionID, 'voice');
    assert.deepEqual([...t!.mids], [t!.mid]);
    assert.equal(t!.withAudioLevel, 0);
  });
});

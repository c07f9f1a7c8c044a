// Losses on the viewer's side are repaired from the SFU's own send history: the viewer NACKs (as browsers do
// for video), the SFU retransmits on the fast path, and in the end the viewer has every packet of the
// stream. The history holds `nackBufferSize` packets per outgoing track: NACKs for older ones go unanswered.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GenericNack, RtcpTransportLayerFeedback, type RTCRtpReceiver } from 'werift';
import type { CallsTestClient } from '../helpers/calls-client.js';
import { metricValue } from '../helpers/metrics-reader.js';
import { startTestSfu, type TestSfu } from '../helpers/server-link.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { EgressHistory, PayloadHistory } from '../../src/rtc/fast/packet-history.js';

const m = (sfu: TestSfu, name: string, labels: Record<string, string> = {}) => metricValue(sfu.registry, name, labels);

describe('NACK', () => {
  let sfu: TestSfu;
  before(async () => {
    sfu = await startTestSfu({ config: { mediaWorkers: 1 } });
  });
  after(async () => {
    await sfu?.close();
  });

  it('retransmits what a lossy viewer asks for, from its own history', async () => {
    const sharer = await sfu.link.join({ callID: 'nack' });
    const viewer = await sfu.link.join({ callID: 'nack' }, { videoLossEvery: 4 });
    await waitFor('connected', () => sharer.dcOpen && viewer.dcOpen);
    await sharer.startScreen();
    await waitFor('losses happened', () => (viewer.received.from(sharer.sessionID, 'screen')[0]?.dropped ?? 0) >= 8);
    await sharer.stopScreen();
    const t = viewer.received.from(sharer.sessionID, 'screen')[0]!;
    await waitFor('every lost packet was recovered', () => {
      const seqs = [...t.seqs].sort((x, y) => x - y);
      return seqs.length > 0 && seqs.at(-1)! - seqs[0]! + 1 === seqs.length;
    });
    assert.ok(t.dropped >= 8);
    assert.ok((await m(sfu, 'rtcd_rtc_rtcp_packets_total', { direction: 'in', type: 'nack' })) > 0, 'NACKs counted');
    // Every packet sent reached the viewer's socket: the first copies it dropped, then what it played
    // (originals and retransmissions): retransmissions are counted as sent packets.
    await waitFor('out = played + dropped', async () => (await m(sfu, 'rtcd_rtc_rtp_packets_total', { direction: 'out', type: 'screen' })) === t.packets + t.dropped);
    assert.equal(await m(sfu, 'rtcd_rtc_rtp_path_packets_total', { direction: 'out', path: 'werift' }), 0, 'werift sent nothing');
  });
});

describe('NACK history bound (nackBufferSize = 32)', () => {
  let sfu: TestSfu;
  let sharer: CallsTestClient;
  let viewer: CallsTestClient;
  before(async () => {
    sfu = await startTestSfu({ config: { mediaWorkers: 1, nackBufferSize: 32 } });
    sharer = await sfu.link.join({ callID: 'bound' });
    viewer = await sfu.link.join({ callID: 'bound' });
    await waitFor('connected', () => sharer.dcOpen && viewer.dcOpen);
    await sharer.startScreen();
  });
  after(async () => {
    await sfu?.close();
  });

  /** Sends a NACK for `seq` of the screen track, as the viewer's browser would. */
  function nack(seq: number): void {
    const tr = viewer.pc.getTransceivers().find((x) => x.receiver.tracks[0]?.kind === 'video')!;
    const receiver = tr.receiver as RTCRtpReceiver & { rtcpSsrc: number };
    const feedback = new GenericNack({ senderSsrc: receiver.rtcpSsrc, mediaSourceSsrc: tr.receiver.tracks[0]!.ssrc!, lost: [seq] });
    void receiver.dtlsTransport.sendRtcp([new RtcpTransportLayerFeedback({ feedback })]);
  }

  const copies = (t: { order: { seq: number }[] }, seq: number) => t.order.filter((p) => p.seq === seq).length;

  it('answers a NACK within the window with the very same packet', async () => {
    await waitFor('screen packets', () => viewer.received.packets(sharer.sessionID, 'screen') >= 20);
    const t = viewer.received.from(sharer.sessionID, 'screen')[0]!;
    const recent = t.order.at(-5)!.seq;
    nack(recent);
    // Byte-identical retransmission: werift's client has no replay check and plays it a second time.
    await waitFor('the retransmission', () => copies(t, recent) === 2);
  });

  it('does not answer a NACK for a packet older than the window', async () => {
    const t = viewer.received.from(sharer.sessionID, 'screen')[0]!;
    const old = t.order[0]!.seq;
    await waitFor('the window moved past it', () => t.packets >= t.order.findIndex((p) => p.seq === old) + 32 + 20);
    const nacksIn = await m(sfu, 'rtcd_rtc_rtcp_packets_total', { direction: 'in', type: 'nack' });
    nack(old);
    await waitFor('the NACK arrived', async () => (await m(sfu, 'rtcd_rtc_rtcp_packets_total', { direction: 'in', type: 'nack' })) > nacksIn);
    await sleep(300);
    assert.equal(copies(t, old), 1, 'no retransmission of a packet the history no longer holds');
  });
});

describe('packet history', () => {
  it('keeps the last `size` payloads and maps each receiver sequence number to one of them', () => {
    const h = new PayloadHistory(4);
    const e = new EgressHistory(4);
    const nos = [0, 1, 2, 3, 4, 5].map((i) => h.push(Buffer.from([9, i, i, i, 9]), 1, 3, i % 2 === 0));
    nos.forEach((n, i) => e.record((65534 + i) & 0xffff, n, 1000 * i, i === 3 ? -1 : 100 + i));
    assert.deepEqual(nos, [0, 1, 2, 3, 4, 5]);
    assert.equal(h.has(1), false, 'overwritten');
    assert.equal(h.has(2), true);
    assert.equal(h.has(6), false, 'not yet pushed');
    assert.deepEqual([...h.buffer.subarray(h.offsetOf(5), h.offsetOf(5) + h.lengthOf(5))], [5, 5, 5]);
    assert.equal(h.markerOf(4), true);
    assert.equal(e.payloadOf(65534), -1, 'seq 65534 was replaced by seq 2 in its slot');
    assert.equal(e.payloadOf(3), 5);
    assert.equal(e.timestampOf(3), 5000);
    assert.equal(e.transportSeqOf(1), -1);
    assert.equal(e.transportSeqOf(3), 105);
    assert.equal(h.push(Buffer.alloc(1501), 0, 1501, false), -1, 'too large to keep');
    assert.throws(() => new PayloadHistory(3), /power of two/);
  });
});

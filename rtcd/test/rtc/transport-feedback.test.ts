// Transport-wide congestion control feedback as a browser's bandwidth estimator reads it: every packet the
// client numbered, audio and video alike, reported received (with its arrival time) or lost, in packets
// werift's own RTCP parser decodes; and, in a call, the publisher gets feedback for all it sends.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RtcpPacketConverter, RtcpTransportLayerFeedback, TransportWideCC, type RtcpPacket } from 'werift';
import { TransportFeedback } from '../../src/rtc/fast/transport-feedback.js';
import { LEVELS } from '../helpers/media-sources.js';
import { metricValue } from '../helpers/metrics-reader.js';
import { startTestSfu, type TestSfu } from '../helpers/server-link.js';
import { waitFor } from '../helpers/wait.js';

/** Per reported sequence number: arrival in ms relative to the reference time, or null when reported lost. */
function decode(fb: TransportWideCC): Map<number, number | null> {
  const out = new Map<number, number | null>();
  const statuses: number[] = [];
  for (const c of fb.packetChunks) {
    if ('symbolList' in c) statuses.push(...c.symbolList);
    else for (let i = 0; i < c.runLength; i++) statuses.push(c.packetStatus);
  }
  let t = fb.referenceTime * 64;
  let d = 0;
  for (let k = 0; k < fb.packetStatusCount; k++) {
    const seq = (fb.baseSequenceNumber + k) & 0xffff;
    if (statuses[k] === 1 || statuses[k] === 2) {
      t += fb.recvDeltas[d++]!.delta / 1000;
      out.set(seq, t);
    } else out.set(seq, null);
  }
  return out;
}

function parse(buf: Buffer): TransportWideCC {
  const [p] = RtcpPacketConverter.deSerialize(buf) as RtcpPacket[];
  assert.ok(p instanceof RtcpTransportLayerFeedback);
  assert.ok(p.feedback instanceof TransportWideCC);
  return p.feedback;
}

describe('TransportFeedback', () => {
  it('reports received and lost packets across a wrap, with arrival deltas, in a packet werift parses', () => {
    const sent: Buffer[] = [];
    const f = new TransportFeedback(0x11223344, (b) => sent.push(b), 1e9);
    const arrivals = new Map<number, number>();
    const seqs = [65530, 65531, 65532, 65534, 65535, 1, 0, 3, 4, 5]; // 65533 and 2 lost, 0 late
    let now = 1000;
    for (const s of seqs) {
      now += s === 0 ? 1 : 17.3;
      arrivals.set(s, now);
      f.record(s, now, 0xabc);
    }
    f.flush();
    f.close();
    assert.equal(sent.length, 1);
    const fb = parse(sent[0]!);
    assert.equal(fb.senderSsrc, 0x11223344);
    assert.equal(fb.mediaSourceSsrc, 0xabc);
    assert.equal(fb.baseSequenceNumber, 65530);
    assert.equal(fb.packetStatusCount, 12);
    const got = decode(fb);
    assert.equal(got.get(65533), null);
    assert.equal(got.get(2), null);
    const t0 = arrivals.get(65530)!;
    for (const s of seqs) {
      const at = got.get(s);
      assert.notEqual(at, null, `${s} reported received`);
      // Relative arrival times survive to within the format's 250 µs units.
      assert.ok(Math.abs(at! - got.get(65530)! - (arrivals.get(s)! - t0)) < 0.3, `arrival of ${s}`);
    }
    f.flush();
    assert.equal(sent.length, 1, 'nothing new, nothing sent');
    f.record(6, now + 20, 0xabc);
    f.flush();
    assert.equal(parse(sent[1]!).baseSequenceNumber, 6);
    assert.equal(parse(sent[1]!).fbPktCount, 1);
  });

  it('splits large ranges into several bounded packets', () => {
    const sent: Buffer[] = [];
    const f = new TransportFeedback(1, (b) => sent.push(b), 1e9);
    for (let s = 0; s < 1000; s++) if (s % 3 !== 0) f.record(s, 5000 + s, 1);
    f.flush();
    f.close();
    assert.ok(sent.length >= 2);
    const all = new Map<number, number | null>();
    for (const b of sent) for (const [k, v] of decode(parse(b))) all.set(k, v);
    assert.equal(all.size, 998, 'every number from the first received one (1) to the last (998)');
    for (let s = 1; s < 999; s++) assert.equal(all.get(s) === null, s % 3 === 0, `status of ${s}`);
  });
});

describe('transport-wide feedback in a call', () => {
  let sfu: TestSfu;
  before(async () => {
    sfu = await startTestSfu({ config: { mediaWorkers: 1 } });
  });
  after(async () => {
    await sfu?.close();
  });

  it("reports every packet the publisher numbered, voice and screen together, none lost", async () => {
    const a = await sfu.link.join({ callID: 'twcc' });
    const b = await sfu.link.join({ callID: 'twcc' });
    await waitFor('connected', () => a.dcOpen && b.dcOpen);
    const reports = new Map<number, number | null>();
    a.pc.dtlsTransports[0]!.onRtcp.subscribe((p) => {
      if (p instanceof RtcpTransportLayerFeedback && p.feedback instanceof TransportWideCC) for (const [k, v] of decode(p.feedback)) reports.set(k, v);
    });
    await a.unmute(LEVELS.speech);
    await a.startScreen();
    await waitFor('feedback for 150 packets', () => [...reports.values()].filter((v) => v !== null).length >= 150);
    a.mute();
    const numbered = (a.pc.dtlsTransports[0] as unknown as { transportSequenceNumber: number }).transportSequenceNumber;
    const seqs = [...reports.keys()].sort((x, y) => x - y);
    const lost = [...reports.values()].filter((v) => v === null).length;
    assert.equal(lost, 0, 'nothing reported lost on loopback: audio and video are one sequence');
    assert.equal(seqs.at(-1)! - seqs[0]! + 1, seqs.length, 'a contiguous range');
    assert.ok(seqs.at(-1)! <= numbered);
    assert.ok((await metricValue(sfu.registry, 'rtcd_rtc_rtcp_packets_total', { direction: 'out', type: 'twcc' })) > 0);
  });
});

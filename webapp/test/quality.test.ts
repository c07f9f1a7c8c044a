// Connection quality from getStats reports: interval loss from counter deltas, jitter and RTT, and the
// level shown by the widget's bars.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeQuality, meanOpinionScore, qualityLevel, sampleStats, type StatsReport } from '../src/client/quality.js';

const inbound = (ssrc: number, received: number, lost: number, jitter = 0.01): StatsReport => ({ type: 'inbound-rtp', kind: 'audio', ssrc, packetsReceived: received, packetsLost: lost, jitter });
const pair: StatsReport = { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.04 };

test('loss is measured over the interval, across every received voice', () => {
  const first = sampleStats([inbound(1, 100, 0), inbound(2, 50, 0), pair], new Map());
  assert.equal(first.sample.lossRate, undefined, 'no interval yet');
  assert.equal(first.sample.rtt, 0.04);
  const second = sampleStats([inbound(1, 190, 10, 0.02), inbound(2, 100, 0, 0.004), pair], first.next);
  assert.equal(second.sample.lossRate, 10 / 150);
  assert.equal(second.sample.jitter, 0.012);
});

test('what the server reports about our outgoing audio counts too', () => {
  const { sample } = sampleStats([{ type: 'remote-inbound-rtp', kind: 'audio', jitter: 0.03, roundTripTime: 0.2, fractionLost: 0.05 }], new Map());
  assert.deepEqual(sample, { rtt: 0.2, jitter: 0.03, lossRate: 0.05 });
});

test('levels: a clean LAN is good, heavy loss or latency is poor, nothing measured is unknown', () => {
  assert.equal(qualityLevel({ rtt: 0.02, jitter: 0.002, lossRate: 0 }), 'good');
  assert.equal(qualityLevel({ rtt: 0.05, jitter: 0.01, lossRate: 0.1 }), 'poor');
  assert.equal(qualityLevel({ rtt: 0.9, jitter: 0.05, lossRate: 0 }), 'poor');
  assert.equal(qualityLevel({ jitter: 0.01 }), 'unknown');
  assert.ok(meanOpinionScore({ rtt: 0.3, jitter: 0.02, lossRate: 0.01 }) < meanOpinionScore({ rtt: 0.02 }));
  assert.equal(describeQuality({ rtt: 0.042, jitter: 0.003, lossRate: 0.005 }), 'RTT 42 ms · jitter 3 ms · loss 0.5%');
});

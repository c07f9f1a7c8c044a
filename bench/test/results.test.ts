// The benchmark's pure parts: the case matrices, the ratios derived from results, and the summary page
// (reference-format table, yardstick rows, the anchor-missing case). No process is started here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { YardstickResult } from '../lib/pion.js';
import type { ProductResult } from '../lib/product.js';
import { BASELINE_END, BASELINE_START, replaceBaseline } from '../lib/docs.js';
import { histogramQuantileBound, msBound } from '../lib/prom-text.js';
import { deriveRatios, type RunResults } from '../lib/results.js';
import { summaryMarkdown } from '../lib/summary.js';
import { SCENARIOS } from '../scenarios/index.js';

const info: RunResults['info'] = {
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:10:00.000Z',
  node: 'v20',
  cpu: 'Test CPU',
  cores: 2,
  commit: 'abc123',
  warmupSeconds: 3,
  windowSeconds: 10,
  quick: false,
  repeat: 1,
};

function yardstick(sfu: 'pion' | 'ours', perCoreSecond: number, delivered: number): YardstickResult {
  return {
    id: `pion-n100-300pps-${sfu}`,
    label: '1 → 100, 300 pkt/s',
    sfu,
    n: 100,
    pps: 300,
    saturating: false,
    forwardedPerCoreSecond: perCoreSecond,
    usPerForwardedPacket: 1e6 / perCoreSecond,
    deliveredPerCoreSecond: delivered,
    deliveryRatio: 1,
    cpuPercent: 30,
    ingestPps: 300,
    rssMB: 40,
    loadCpuPercent: 40,
    otherLoadPercent: 3,
    setupMs: 2000,
  };
}

function product(workers: number, capacity: number): ProductResult {
  return {
    id: `product-1x10-u1-w${workers}`,
    label: '1 call × 10 users, 1 unmuted',
    workers,
    calls: 1,
    usersPerCall: 10,
    unmuted: 1,
    screenSharing: 0,
    windowSeconds: 20,
    sessions: 10,
    failedUsers: 0,
    forwardedPerSecond: 450,
    cpuCores: 0.05,
    cpuPercent: 2.5,
    machineCores: 2,
    busiestThreadCores: 0.03,
    capacityPerSecond: capacity,
    forwardedPerCpuSecond: 9000,
    cpuMicrosPerPacket: 111,
    memAvgMB: 120,
    rssPerSessionMB: 0.4,
    bandwidthInMbps: 0.08,
    bandwidthOutMbps: 0.7,
    voiceDelivery: 1,
    screenDelivery: NaN,
    lossRate: 0,
    jitterMs: 2,
    delayP50Ms: 1,
    delayP99Ms: 3,
    joinToFirstAudioP50Ms: 200,
    joinToFirstAudioP99Ms: 300,
    forwardWriteP99BoundMs: 1,
  };
}

describe('bench matrices', () => {
  for (const quick of [false, true]) {
    it(`has unique case ids and a pion partner for each of our yardstick cases (quick: ${quick})`, () => {
      const ids = SCENARIOS.flatMap((s) => s.cases({ quick }).map((c) => c.id));
      assert.equal(new Set(ids).size, ids.length);
      const pion = SCENARIOS.find((s) => s.kind === 'yardstick')!;
      const cases = pion.cases({ quick }).map((c) => c.id);
      assert.ok(cases.length > 0);
      for (const id of cases.filter((c) => c.endsWith('-ours'))) assert.ok(cases.includes(id.replace(/-ours$/, '-pion')), id);
    });
  }

  it('runs every product row with one and with two media workers', () => {
    const product = SCENARIOS.find((s) => s.kind === 'product')!;
    const ids = product.cases({ quick: false }).map((c) => c.id);
    assert.ok(ids.some((id) => id.includes('-screen-')), 'a screen-sharing case');
    for (const id of ids.filter((i) => i.endsWith('-w1'))) assert.ok(ids.includes(id.replace(/-w1$/, '-w2')), id);
  });
});

describe('bench ratios and summary', () => {
  it('divides our yardstick figures by pion\'s for the same (N, rate)', () => {
    const ratios = deriveRatios([], [], [yardstick('pion', 100_000, 100_000), yardstick('ours', 90_000, 85_000)]);
    const fwd = ratios.find((r) => r.metric === 'forwardedPerCoreSecond');
    const delivered = ratios.find((r) => r.metric === 'deliveredPerCoreSecond');
    assert.equal(fwd?.value, 0.9);
    assert.equal(delivered?.value, 0.85);
    assert.equal(fwd?.numerator, 'pion-n100-300pps-ours');
    assert.equal(fwd?.denominator, 'pion-n100-300pps-pion');
  });

  it('compares two media workers with one in the product cases', () => {
    const ratios = deriveRatios([], [product(1, 10_000), product(2, 19_000)]);
    assert.deepEqual(
      ratios.map((r) => [r.metric, r.value]),
      [['capacityPerSecond', 1.9]],
    );
  });

  it('writes the product cases in the reference\'s table format and the yardstick with our / pion', () => {
    const cases = [yardstick('pion', 100_000, 100_000), yardstick('ours', 120_000, 120_000)];
    const run: RunResults = {
      info,
      cases: [],
      product: [product(1, 10_000)],
      yardstick: { anchor: 'pion anchor from /cache', available: true, pinned: true, cases, notMeasured: [] },
      ratios: deriveRatios([], [product(1, 10_000)], cases),
    };
    const md = summaryMarkdown(run, new Map());
    assert.match(md, /\| calls \| participants\/call \| unmuted\/call \| screen \| CPU avg \| memory avg \| bandwidth in \/ out \| rtcd instance \|/);
    assert.match(md, /\| 1 \| 10 \| 1 \| no \| 2\.5% \(0\.05 cores\) \| 120 MB \| 0\.08 Mbps \/ 0\.70 Mbps \| 1 media worker, 2 × Test CPU \|/);
    assert.match(md, /\| 1 → 100, 300 pkt\/s \| 100\.0k \| 120\.0k \| \*\*1\.20\*\* \|/);
    assert.match(md, /our \/ pion ≥ 1\.0 in the harness .*1\.20×.* \(met\)/);
    assert.match(md, /pinned to core 0/);
  });

  it('does not count a pair whose subscribers missed packets below saturation', () => {
    const starved = { ...yardstick('ours', 120_000, 120_000), deliveryRatio: 0.64 };
    const cases = [yardstick('pion', 100_000, 100_000), starved];
    const run: RunResults = {
      info,
      cases: [],
      yardstick: { anchor: 'pion anchor from /cache', available: true, pinned: true, cases, notMeasured: [] },
      ratios: deriveRatios([], [], cases),
    };
    const md = summaryMarkdown(run, new Map());
    assert.match(md, /\*\*1\.20\*\* \(not valid: delivery < 0\.99\)/);
    assert.match(md, /our \/ pion ≥ 1\.0 in the harness .*\(no valid pair\)/);
  });

  it('says so, with the reason and without figures, when the pion anchor is not available', () => {
    const run: RunResults = {
      info,
      cases: [],
      yardstick: {
        anchor: 'pion anchor NOT available: build.sh exit 1',
        available: false,
        pinned: true,
        cases: [],
        notMeasured: ['pion-n100-300pps-pion', 'pion-n100-300pps-ours'],
      },
      ratios: [],
    };
    const md = summaryMarkdown(run, new Map());
    assert.match(md, /No yardstick figures in this run: pion anchor NOT available: build\.sh exit 1/);
    assert.match(md, /pion-n100-300pps-ours/);
    assert.match(md, /our \/ pion ≥ 1\.0: not measured/);
    assert.doesNotMatch(md, /\*\*our \/ pion\*\* \|/);
  });
});

describe('bench baseline in the docs', () => {
  it('replaces only what lies between the markers, and leaves a doc without them alone', () => {
    const doc = `# Doc\n\nbefore\n${BASELINE_START}\nold table\n${BASELINE_END}\nafter\n`;
    assert.equal(replaceBaseline(doc, '| new |\n'), `# Doc\n\nbefore\n${BASELINE_START}\n| new |\n${BASELINE_END}\nafter\n`);
    assert.equal(replaceBaseline('# Doc without markers\n', '| new |'), undefined);
  });
});

describe('bench reading /metrics', () => {
  const scrape = (fast: number, slow: number) =>
    [
      '# TYPE rtcd_rtc_rtp_tracks_writes_time histogram',
      `rtcd_rtc_rtp_tracks_writes_time_bucket{group_id="a",type="voice",le="0.001"} ${fast}`,
      `rtcd_rtc_rtp_tracks_writes_time_bucket{group_id="a",type="voice",le="0.005"} ${fast + slow}`,
      `rtcd_rtc_rtp_tracks_writes_time_bucket{group_id="a",type="voice",le="+Inf"} ${fast + slow}`,
      `rtcd_rtc_rtp_tracks_writes_time_bucket{group_id="b",type="screen",le="0.001"} ${fast}`,
      `rtcd_rtc_rtp_tracks_writes_time_bucket{group_id="b",type="screen",le="0.005"} ${fast}`,
      `rtcd_rtc_rtp_tracks_writes_time_bucket{group_id="b",type="screen",le="+Inf"} ${fast}`,
    ].join('\n');

  it('bounds a histogram quantile by its bucket, over every series and between two scrapes', () => {
    const name = 'rtcd_rtc_rtp_tracks_writes_time';
    assert.equal(histogramQuantileBound(scrape(990, 5), name, 0.99), 0.001);
    assert.equal(histogramQuantileBound(scrape(990, 50), name, 0.99), 0.005);
    // Only what happened between the scrapes counts: here every new observation was slow.
    assert.equal(histogramQuantileBound(scrape(1000, 10), name, 0.99, scrape(1000, 0)), 0.005);
    assert.equal(histogramQuantileBound(scrape(5, 0), name, 0.99, scrape(5, 0)), undefined);
    assert.equal(msBound(0.001), 1);
    assert.equal(msBound(Infinity), null);
  });
});

// The SFU metric families (shared/METRICS.md): exact names, types, labels and buckets for both prefixes,
// values derived from recorded events, and the exposition checked by promtool.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createRtcMetrics, DEFAULT_BUCKETS, LATENCY_BUCKETS, LOSS_BUCKETS, MOS_BUCKETS } from '@calls-ts/rtcd/rtc';
import { deleteSeriesWithLabel, renderMetrics } from '../../src/metrics/index.js';
import { NetDeltaTracker } from '../../src/rtc/metrics/net-delta.js';
import { MetricsRecorder, pathOutcomeIndex } from '../../src/rtc/metrics/recorder.js';
import { NetCounters } from '../../src/rtc/net/counters.js';
import { metricValue } from '../helpers/metrics-reader.js';

type Family = [name: string, type: string, labels: string[], buckets?: readonly number[]];

const FAMILIES: Family[] = [
  ['rtc_sessions_total', 'gauge', ['group_id']],
  ['rtc_conn_states_total', 'counter', ['type', 'state']],
  ['rtc_errors_total', 'counter', ['group_id', 'type']],
  ['rtc_rtp_tracks_total', 'gauge', ['group_id', 'direction', 'type']],
  ['rtc_rtp_tracks_writes_time', 'histogram', ['group_id', 'type'], LATENCY_BUCKETS],
  ['rtc_connection_time', 'histogram', ['group_id'], DEFAULT_BUCKETS],
  ['rtc_dc_open_time', 'histogram', ['group_id'], DEFAULT_BUCKETS],
  ['rtc_signaling_lock_grab_time', 'histogram', ['group_id'], DEFAULT_BUCKETS],
  ['rtc_signaling_lock_locked_time', 'histogram', ['group_id'], DEFAULT_BUCKETS],
  ['rtc_client_rtt', 'histogram', ['group_id'], LATENCY_BUCKETS],
  ['rtc_client_jitter', 'histogram', ['group_id'], LATENCY_BUCKETS],
  ['rtc_client_loss_rate', 'histogram', ['group_id'], LOSS_BUCKETS],
  ['rtc_rtp_packets_total', 'counter', ['direction', 'type']],
  ['rtc_rtp_bytes_total', 'counter', ['direction', 'type']],
  ['rtc_rtcp_packets_total', 'counter', ['direction', 'type']],
  ['rtc_calls_total', 'gauge', ['group_id']],
  ['rtc_call_quality', 'histogram', ['group_id'], MOS_BUCKETS],
  // ours: the media path and the shared ICE port
  ['rtc_rtp_path_packets_total', 'counter', ['direction', 'path', 'reason']],
  ['rtc_udp_datagrams_total', 'counter', ['direction']],
  ['rtc_udp_dropped_total', 'counter', ['reason']],
  ['rtc_udp_send_errors_total', 'counter', []],
  ['rtc_ice_tcp_connections_total', 'counter', ['result']],
];

describe('createRtcMetrics', () => {
  for (const prefix of ['rtcd', 'mattermost_plugin_calls']) {
    it(`declares every SFU family with prefix ${prefix}`, async () => {
      const registry = new Registry();
      createRtcMetrics(registry, prefix);
      const json = await registry.getMetricsAsJSON();
      assert.deepEqual(json.map((m) => m.name).sort(), FAMILIES.map(([n]) => `${prefix}_${n}`).sort());
      for (const [name, type, labels, buckets] of FAMILIES) {
        const m = registry.getSingleMetric(`${prefix}_${name}`) as unknown as { type: string; labelNames: string[]; buckets?: number[]; upperBounds?: number[] };
        assert.equal(m.type, type, name);
        assert.deepEqual([...m.labelNames], labels, name);
        if (buckets) assert.deepEqual([...(m.upperBounds ?? m.buckets ?? [])], [...buckets], name);
      }
    });
  }

  it('rejects an invalid prefix', () => {
    assert.throws(() => createRtcMetrics(new Registry(), 'bad-prefix'));
  });
});

describe('RtcMetrics.apply', () => {
  it('moves recorded events into the families', async () => {
    const registry = new Registry();
    const metrics = createRtcMetrics(registry, 'rtcd');
    const r = new MetricsRecorder();
    r.gauge('sessions', ['g1'], 1);
    r.gauge('sessions', ['g1'], 1);
    r.gauge('sessions', ['g1'], -1);
    r.gauge('tracks', ['g1', 'in', 'audio/opus'], 1);
    r.connState('connected');
    r.error('g1', 'ice');
    r.rtcp('out', 'pli');
    r.observe('clientRtt', 'g1', 0.02);
    r.observe('clientLossRate', 'g1', 0.3);
    const v = r.rtp.values;
    v[0] = 10; // in/voice packets
    v[1] = 1000; // in/voice bytes
    r.writeTimeHistogram('g1', 'voice').observe(0.0004);
    r.writeTimeHistogram('g1', 'voice').observe(0.02);
    metrics.apply(r.takeDelta()!);
    assert.equal(r.takeDelta(), undefined, 'a delta is only taken once');

    assert.equal(await metricValue(registry, 'rtcd_rtc_sessions_total', { group_id: 'g1' }), 1);
    assert.equal(await metricValue(registry, 'rtcd_rtc_rtp_tracks_total', { direction: 'in', type: 'audio/opus' }), 1);
    assert.equal(await metricValue(registry, 'rtcd_rtc_conn_states_total', { type: 'connected', state: 'connected' }), 1);
    assert.equal(await metricValue(registry, 'rtcd_rtc_errors_total', { group_id: 'g1', type: 'ice' }), 1);
    assert.equal(await metricValue(registry, 'rtcd_rtc_rtcp_packets_total', { direction: 'out', type: 'pli' }), 1);
    assert.equal(await metricValue(registry, 'rtcd_rtc_client_rtt_count'), 1);
    assert.equal(await metricValue(registry, 'rtcd_rtc_client_loss_rate_sum'), 0.3);
    assert.equal(await metricValue(registry, 'rtcd_rtc_rtp_packets_total', { direction: 'in', type: 'voice' }), 10);
    assert.equal(await metricValue(registry, 'rtcd_rtc_rtp_bytes_total', { direction: 'in', type: 'voice' }), 1000);
    assert.equal(await metricValue(registry, 'rtcd_rtc_rtp_tracks_writes_time_count', { type: 'voice' }), 2);
    const text = await registry.metrics();
    assert.match(text, /rtcd_rtc_rtp_tracks_writes_time_bucket\{le="0.001",group_id="g1",type="voice"\} 1\n/);
    assert.match(text, /rtcd_rtc_rtp_tracks_writes_time_bucket\{le="0.025",group_id="g1",type="voice"\} 2\n/);
    assert.match(text, /rtcd_rtc_rtp_tracks_writes_time_bucket\{le="\+Inf",group_id="g1",type="voice"\} 2\n/);
  });

  it('moves media path outcomes and shared-port counters into their families, counting each datagram once', async () => {
    const registry = new Registry();
    const metrics = createRtcMetrics(registry, 'rtcd');
    const main = new NetCounters();
    const worker = new NetCounters();
    const mainTracker = new NetDeltaTracker(main, true);
    const r = new MetricsRecorder();
    r.trackNet(new NetDeltaTracker(worker, false));
    r.paths.values[pathOutcomeIndex('out', 'fast', 'none')] = 7;
    r.paths.values[pathOutcomeIndex('in', 'dropped', 'replay')] = 2;
    // The main thread received 10 (8 routed to the worker, 2 garbage); the worker got 3 more on its
    // connected socket and sent 5; the main thread accepted one ICE-TCP connection.
    main.udpReceived = 10;
    main.udpRouted = 8;
    main.drop('not_webrtc');
    main.drop('stun_unknown_ufrag');
    main.tcpAccepted = 1;
    worker.udpReceived = 8 + 3;
    worker.pathReceived = 3;
    worker.udpSent = 5;
    metrics.apply(r.takeDelta()!);
    metrics.apply({ gauges: [], counters: [], observations: [], writeTimes: [], net: mainTracker.take()! });
    assert.equal(mainTracker.take(), undefined);
    const v = (name: string, labels: Record<string, string> = {}) => metricValue(registry, `rtcd_rtc_${name}`, labels);
    assert.equal(await v('rtp_path_packets_total', { direction: 'out', path: 'fast', reason: 'none' }), 7);
    assert.equal(await v('rtp_path_packets_total', { direction: 'in', path: 'dropped', reason: 'replay' }), 2);
    assert.equal(await v('udp_datagrams_total', { direction: 'in' }), 13);
    assert.equal(await v('udp_datagrams_total', { direction: 'out' }), 5);
    assert.equal(await v('udp_dropped_total', { reason: 'not_webrtc' }), 1);
    assert.equal(await v('udp_dropped_total', { reason: 'stun_unknown_ufrag' }), 1);
    assert.equal(await v('ice_tcp_connections_total', { result: 'accepted' }), 1);
  });

  it('exposes both ICE-TCP results at zero before the first connection (increase() sees the first one)', async () => {
    const registry = new Registry();
    createRtcMetrics(registry, 'rtcd');
    const text = await registry.metrics();
    assert.match(text, /^rtcd_rtc_ice_tcp_connections_total\{result="accepted"\} 0$/m);
    assert.match(text, /^rtcd_rtc_ice_tcp_connections_total\{result="rejected"\} 0$/m);
  });

  it('deletes every series of a group that went away, write-time histograms included', async () => {
    const registry = new Registry();
    const metrics = createRtcMetrics(registry, 'rtcd');
    const r = new MetricsRecorder();
    for (const g of ['gone', 'stays']) {
      r.gauge('sessions', [g], 1);
      r.gauge('sessions', [g], -1);
      r.observe('clientRtt', g, 0.02);
      r.writeTimeHistogram(g, 'voice').observe(0.0004);
      r.writeTimeHistogram(g, 'screen').observe(0.002);
    }
    metrics.apply(r.takeDelta()!);
    assert.equal(await metricValue(registry, 'rtcd_rtc_rtp_tracks_writes_time_count', { group_id: 'gone' }), 2);
    assert.ok((await deleteSeriesWithLabel(registry, 'group_id', 'gone')) >= 3);
    const text = await registry.metrics();
    assert.doesNotMatch(text, /group_id="gone"/);
    assert.equal(await metricValue(registry, 'rtcd_rtc_rtp_tracks_writes_time_count', { group_id: 'stays', type: 'voice' }), 1);
    assert.equal(await metricValue(registry, 'rtcd_rtc_rtp_tracks_writes_time_count', { group_id: 'stays', type: 'screen' }), 1);
    assert.equal(await metricValue(registry, 'rtcd_rtc_client_rtt_count', { group_id: 'stays' }), 1);
  });

  it('runs collect hooks once per scrape before reading', async () => {
    const registry = new Registry();
    const metrics = createRtcMetrics(registry, 'rtcd');
    let runs = 0;
    const remove = metrics.addCollectHook(async () => {
      runs++;
      metrics.sessions.inc({ group_id: 'late' });
    });
    await registry.metrics();
    assert.equal(runs, 1, 'all families share one flush');
    assert.equal(await metricValue(registry, 'rtcd_rtc_sessions_total', { group_id: 'late' }), 2);
    remove();
    await registry.metrics();
    assert.equal(runs, 2);
  });

  it('promtool accepts the exposition (only the reference-mandated names are linted)', async (t) => {
    const probe = spawnSync('promtool', ['--version']);
    if (probe.error) {
      t.diagnostic('promtool not installed');
      assert.fail('promtool is required (Debian package prometheus)');
    }
    const registry = new Registry();
    const metrics = createRtcMetrics(registry, 'rtcd');
    const r = new MetricsRecorder();
    r.gauge('sessions', ['g'], 1);
    r.gauge('calls', ['g'], 1);
    r.gauge('tracks', ['g', 'out', 'video/VP8'], 1);
    r.error('g', 'signaling');
    r.connState('failed');
    r.observe('connectionTime', 'g', 0.3);
    r.writeTimeHistogram('g', 'screen').observe(0.001);
    r.rtp.values[0] = 1;
    r.paths.values[0] = 1;
    metrics.apply(r.takeDelta()!);
    metrics.apply({ gauges: [], counters: [], observations: [], writeTimes: [], net: { received: 1, sent: 1, sendErrors: 1, dropped: [1, 0, 0, 0, 0, 0, 0], tcpAccepted: 1, tcpRejected: 1 } });
    // Served text goes through renderMetrics (the `_total` gauges become untyped): promtool must print nothing.
    const out = spawnSync('promtool', ['check', 'metrics'], { input: await renderMetrics(registry), encoding: 'utf8' });
    assert.equal(`${out.stdout}${out.stderr}`.trim(), '');
    assert.equal(out.status, 0, 'the exposition parses');
  });
});

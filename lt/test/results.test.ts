// lt's figures and tables: rates over the steady window from two snapshots, the reference's table shape, the
// warnings a reader needs, and where the media server's metrics are read from.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyHistogram } from '@calls-ts/rtcd/client';
import { parseFlags } from '../src/flags.js';
import { MediaServerSampler, defaultMetricsUrls, sumSamples, type ServerSample } from '../src/media-server.js';
import { Progress } from '../src/progress.js';
import { computeResults, formatResults, type LtResults, type Snapshot } from '../src/results.js';
import { SimUser } from '../src/user.js';

const MB = 2 ** 20;

function server(at: number, v: Partial<ServerSample>): ServerSample {
  return { at, cpuSeconds: 0, rssBytes: 0, bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0, sessions: 0, ...v };
}

/** One call of three: user 0 talks (and shares its screen), users 1 and 2 listen. */
function threeUsers(): SimUser[] {
  return [0, 1, 2].map((i) => {
    const u = new SimUser(`lt-${i}`, 'token', { index: i, call: 0, indexInCall: i, unmuted: i === 0, screen: i === 0 });
    u.state = 'joined';
    return u;
  });
}

function sample(): LtResults {
  const cfg = parseFlags(['-calls', '1', '-users-per-call', '3', '-unmuted', '1', '-screen-sharing', '1']);
  const users = threeUsers();
  const sampler = new MediaServerSampler([]);
  // A 10 s window: the server used 0.5 CPU-s, forwarded 10,000 packets and received 5,000.
  const a = server(1000, { cpuSeconds: 10, rssBytes: 100 * MB, bytesIn: 0, bytesOut: 0, packetsIn: 1000, packetsOut: 2000 });
  const b = server(11_000, { cpuSeconds: 10.5, rssBytes: 120 * MB, bytesIn: 2_000_000, bytesOut: 4_000_000, packetsIn: 6000, packetsOut: 12_000 });
  sampler.samples.push(a, server(6000, { rssBytes: 110 * MB }), b);
  // The talker sent 500 voice and 1,000 screen packets in the window; each listener got all of them.
  const s0: Snapshot = { at: 1000, wallAt: 1_700_000_000_000, server: a, users: [
    { audio: 0, video: 0, voiceSent: 100, screenSent: 300 },
    { audio: 90, video: 280, voiceSent: 0, screenSent: 0 },
    { audio: 95, video: 290, voiceSent: 0, screenSent: 0 },
  ] };
  const s1: Snapshot = { at: 11_000, wallAt: 1_700_000_010_000, server: b, users: [
    { audio: 0, video: 0, voiceSent: 600, screenSent: 1300 },
    { audio: 590, video: 1280, voiceSent: 0, screenSent: 0 },
    { audio: 595, video: 1290, voiceSent: 0, screenSent: 0 },
  ] };
  const delay = new LatencyHistogram();
  for (let i = 0; i < 99; i++) delay.record(0.95);
  delay.record(40);
  return computeResults({
    cfg, metricsUrls: ['http://127.0.0.1:8045/metrics'], users, s0, s1, baseline: server(0, { rssBytes: 90 * MB }), sampler, delay,
    firstTalk: new Map(), agent: { cpuPercent: 12.5, eventLoopDelayP99Ms: 11, eventLoopDelayMaxMs: 20 },
  });
}

describe('lt results', () => {
  it('derives rates over the steady window from the two snapshots', () => {
    const r = sample();
    assert.equal(r.windowSeconds, 10);
    assert.deepEqual(r.users, { total: 3, joined: 3, failed: 0, firstError: '' });
    assert.deepEqual(r.window, { start: 1_700_000_000_000, end: 1_700_000_010_000 });
    const s = r.server;
    assert.equal(s.cpuCores, 0.05);
    assert.equal(s.forwardedPerSecond, 1000);
    assert.equal(s.packetsInPerSecond, 500);
    assert.equal(s.forwardedPerCpuSecond, 20_000);
    assert.equal(s.cpuMicrosPerForwarded, 50);
    assert.equal(s.bandwidthInMbps, 1.6);
    assert.equal(s.bandwidthOutMbps, 3.2);
    assert.equal(s.memAvgMB, 110, 'mean of the scrapes inside the window');
    assert.equal(s.rssBaselineMB, 90);
    assert.deepEqual(s.endpoints, ['http://127.0.0.1:8045/metrics']);
    assert.equal(r.clients.receivedPerSecond, 300);
    assert.equal(r.clients.voiceDelivery, 1);
    assert.equal(r.clients.screenDelivery, 1);
    assert.deepEqual(r.clients.delayMs, { p50: 1, p99: 1, max: 40, samples: 100 });
    assert.equal(r.participants.length, 3);
    assert.deepEqual(
      r.participants.map((p) => [p.username, p.call, p.unmuted, p.screen, p.state]),
      [['lt-0', 0, true, true, 'joined'], ['lt-1', 0, false, false, 'joined'], ['lt-2', 0, false, false, 'joined']],
    );
  });

  it('prints the reference\'s table, then forwarding, loss and delay, then lt\'s own load', () => {
    const r = sample();
    const text = formatResults(r);
    const lines = text.split('\n');
    // 0.05 cores as a share of this machine's cores.
    const cores = r.server.machineCores;
    const pct = Math.round((5 / cores) * 10) / 10;
    assert.match(lines[0]!, /^media server: rtcd \(http:\/\/127\.0\.0\.1:8045\/metrics\); steady window 10 s; 3\/3 users in call$/);
    assert.ok(lines.includes('| Calls | Participants/call | Unmuted/call | Screen sharing | CPU avg | Mem avg | BW in / out |'), text);
    assert.ok(lines.includes(`| 1 | 3 | 1 | yes (1) | ${pct}% (0.05 of ${cores} cores) | 110 MB | 1.60 Mbps / 3.20 Mbps |`), text);
    assert.ok(lines.includes('| Forwarded pkt/s | Forwarded pkt per CPU-s | Received pkt/s | Loss | Delivery voice / screen | Jitter | Delay p50 / p99 | Join → first audio p50 / p99 |'), text);
    assert.ok(lines.includes('| 1000 | 20000 | 300 | 0% (0 of 0) | 1 / 1 | n/a | 1 / 1 ms | n/a / n/a ms |'), text);
    assert.match(text, /lt itself: 12\.5% of a core, event-loop delay p99 11 ms \(max 20 ms\)/);
    assert.doesNotMatch(text, /warning/);
  });

  it('warns when lt stalled, scrapes failed, or the endpoint is not where the media is', () => {
    const r = sample();
    r.agent.eventLoopDelayP99Ms = 250;
    r.server.scrapeErrors = 2;
    r.server.forwardedPerSecond = 0;
    const text = formatResults(r);
    assert.match(text, /warning: lt's own event loop stalled \(p99 250 ms\)/);
    assert.match(text, /warning: 2 metrics scrape\(s\) failed/);
    assert.match(text, /counted no forwarded packets while users received media/);
    r.users = { total: 3, joined: 2, failed: 1, firstError: 'join refused: insufficient permissions' };
    assert.match(formatResults(r), /2\/3 users in call, 1 failed \(join refused: insufficient permissions\)/);
  });

  it('reads the media server from rtcd when the plugin uses one, else from the plugin on the host\'s metrics port', () => {
    assert.deepEqual(defaultMetricsUrls('http://chat.example.com:8065', ''), ['http://chat.example.com:8067/plugins/com.mattermost.calls/metrics']);
    assert.deepEqual(defaultMetricsUrls('https://chat.example.com', undefined), ['https://chat.example.com:8067/plugins/com.mattermost.calls/metrics']);
    // Credentials in RTCDServiceURL are the plugin's; /metrics needs none.
    assert.deepEqual(defaultMetricsUrls('http://chat.example.com:8065', 'http://client:key@rtcd.example.com:8045'), ['http://rtcd.example.com:8045/metrics']);
  });

  it('sums Prometheus samples by name and labels', () => {
    const text = [
      '# TYPE rtcd_rtc_rtp_packets_total counter',
      'rtcd_rtc_rtp_packets_total{direction="in",type="voice"} 10',
      'rtcd_rtc_rtp_packets_total{direction="in",type="screen"} 5',
      'rtcd_rtc_rtp_packets_total{direction="out",type="voice"} 20',
      'rtcd_rtc_rtp_packets_total_other 99',
      'rtcd_process_cpu_seconds_total 1.25',
    ].join('\n');
    assert.equal(sumSamples(text, 'rtcd_rtc_rtp_packets_total', { direction: 'in' }), 15);
    assert.equal(sumSamples(text, 'rtcd_rtc_rtp_packets_total'), 35);
    assert.equal(sumSamples(text, 'rtcd_process_cpu_seconds_total'), 1.25);
    assert.equal(sumSamples(text, 'rtcd_missing'), 0);
  });

  it('draws a progress bar', () => {
    assert.equal(Progress.bar(0, 4, 8), '[........]   0%');
    assert.equal(Progress.bar(1, 4, 8), '[##......]  25%');
    assert.equal(Progress.bar(4, 4, 8), '[########] 100%');
    assert.equal(Progress.bar(0, 0, 8), '[########] 100%');
  });
});

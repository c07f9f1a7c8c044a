// lt against a host whose Calls plugin sends media to a real rtcd daemon: without -metrics-url, lt finds rtcd
// in the plugin's configuration (the admin's view, read during -setup) and its media-server figures are
// rtcd's, not the plugin process's. Needs `npm run build` (host, plugin, rtcd and lt dist).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallsHost, metricValue } from '../../plugin/test/helpers/harness.js';
import { RtcdProcess } from '../../plugin/test/rtcd/support/rtcd-process.js';
import { waitFor } from '../../rtcd/test/helpers/wait.js';
import type { LtResults } from '../src/results.js';
import { runLt } from './helpers/lt-cli.js';

describe('lt with media on rtcd', () => {
  let rtcd: RtcdProcess;
  let host: CallsHost;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lt-rtcd-test-'));
    rtcd = await RtcdProcess.start();
    host = await CallsHost.start({
      env: { MM_CALLS_RTCD_SERVICE_URL: rtcd.base, MM_CALLS_ICE_SERVERS_CONFIGS: '[]', MM_CALLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn' },
    });
    await host.user('ltadmin');
  });

  after(async () => {
    await host?.stop();
    await rtcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("measures rtcd, found through the plugin's configuration", async () => {
    const rtcdBefore = await rtcd.metrics();
    const pluginBefore = await host.scrape();
    const out = join(dir, 'results.json');
    const r = await runLt([
      `-url=${host.url}`,
      '-calls', '1', '-users-per-call', '3', '-unmuted', '1',
      '-duration', '8s', '-join-duration', '1s',
      '-admin-username', 'ltadmin', '-admin-password', 'calls-test-password',
      '-user-password', 'lt-Password-1',
      '-progress=false',
      '--json', out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const metricsUrl = `${rtcd.base}/metrics`;
    assert.match(r.stderr, new RegExp(`lt: media server metrics from ${metricsUrl}`));
    assert.match(r.stdout, new RegExp(`^media server: rtcd \\(${metricsUrl}\\); steady window [\\d.]+ s; 3/3 users in call$`, 'm'));
    assert.ok(r.stdout.split('\n').some((l) => l.startsWith('| 1 | 3 | 1 | no | ')), r.stdout);

    const { results } = JSON.parse(readFileSync(out, 'utf8')) as { results: LtResults };
    assert.deepEqual(results.server.endpoints, [metricsUrl]);
    assert.ok(results.server.forwardedPerSecond > 0 && results.server.forwardedPerCpuSecond > 0, JSON.stringify(results.server));
    const p = results.participants;
    for (const listener of [p[1]!, p[2]!]) assert.ok(listener.audioPackets > 0, `${listener.username} heard nothing`);
    assert.ok(results.clients.lossRate <= 0.01, `loss ${results.clients.lossRate}`);

    // rtcd forwarded what the users received; the plugin process forwarded nothing.
    await waitFor('every session gone from rtcd', async () => metricValue(await rtcd.metrics(), 'rtcd_rtc_sessions_total') === 0);
    const forwarded = metricValue(await rtcd.metrics(), 'rtcd_rtc_rtp_packets_total', { direction: 'out' }) - metricValue(rtcdBefore, 'rtcd_rtc_rtp_packets_total', { direction: 'out' });
    const received = p.reduce((n, x) => n + x.audioPackets + x.videoPackets, 0);
    assert.ok(Math.abs(forwarded - received) <= 0.03 * forwarded, `rtcd forwarded ${forwarded}, users received ${received}`);
    const pluginOut = (t: string) => metricValue(t, 'mattermost_plugin_calls_rtc_rtp_packets_total', { direction: 'out' });
    assert.equal(pluginOut(await host.scrape()) - pluginOut(pluginBefore), 0);
  });
});

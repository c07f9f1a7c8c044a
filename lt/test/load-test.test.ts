// lt as an operator runs it: the built CLI in a process of its own, against a real host with the Calls plugin
// (embedded SFU) started here. With -setup it makes its users, channels and memberships as the admin and
// turns calls on in its channels (the plugin runs in test mode: only admins may start calls), then 2 calls
// × 3 users join through the host WebSocket and the Calls protocol, one talker per call sends the speech
// sample and the first call's talker also shares the screen sample. The figures it prints must be the
// product's: what the plugin's metrics say it forwarded is what the users counted.
// Needs `npm run build` (host, plugin and lt dist).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallsHost, embeddedEnv, metricValue } from '../../plugin/test/helpers/harness.js';
import { waitFor } from '../../rtcd/test/helpers/wait.js';
import type { LtResults } from '../src/results.js';
import { runLt as lt } from './helpers/lt-cli.js';

const P = 'mattermost_plugin_calls';

describe('lt against a real host and Calls plugin', () => {
  let host: CallsHost;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lt-test-'));
    host = await CallsHost.start({ env: { ...(await embeddedEnv()), MM_CALLS_DEFAULT_ENABLED: 'false' } });
    // The first account of a host is its system admin: lt's -setup works as it.
    await host.user('ltadmin');
  });

  after(async () => {
    await host?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs 2 calls × 3 users with a talker each and a screen share, and reports what really went through', async () => {
    const metricsUrl = `${host.host.metricsUrl}/plugins/com.mattermost.calls/metrics`;
    const before = await host.scrape();
    const out = join(dir, 'results.json');
    const r = await lt([
      `-url=${host.url}`,
      '-calls', '2', '-users-per-call', '3', '-unmuted', '1', '-screen-sharing', '1',
      '-duration', '12s', '-join-duration', '2s',
      '-setup',
      '-admin-username', 'ltadmin', '-admin-password', 'calls-test-password',
      '-user-prefix', 'lt-user-', '-user-password', 'lt-Password-1',
      '-metrics-url', metricsUrl,
      '--json', out,
    ]);
    assert.equal(r.code, 0, r.stderr);

    // The reference's table, then ours; progress bars while joining and while running.
    const lines = r.stdout.split('\n');
    assert.ok(lines.includes('| Calls | Participants/call | Unmuted/call | Screen sharing | CPU avg | Mem avg | BW in / out |'), r.stdout);
    assert.ok(lines.some((l) => l.startsWith('| 2 | 3 | 1 | yes (1) | ')), r.stdout);
    assert.ok(lines.some((l) => l.startsWith('| Forwarded pkt/s | Forwarded pkt per CPU-s | Received pkt/s | Loss | ') && l.includes('| Delay p50 / p99 |')), r.stdout);
    assert.match(r.stderr, /joining \[#+\] 100% 6\/6 in call \(2 call\(s\)\)/);
    assert.match(r.stderr, /running \[#+\] 100% /);

    const { results } = JSON.parse(readFileSync(out, 'utf8')) as { results: LtResults };
    assert.deepEqual(results.users, { total: 6, joined: 6, failed: 0, firstError: '' });
    assert.deepEqual(results.server.endpoints, [metricsUrl]);

    // Who sent and who received: user 0 of call 0 talks and shares its screen, user 3 talks in call 1.
    const p = results.participants;
    assert.deepEqual(p.map((x) => [x.username, x.call, x.unmuted, x.screen, x.state]), [
      ['lt-user-0', 0, true, true, 'joined'],
      ['lt-user-1', 0, false, false, 'joined'],
      ['lt-user-2', 0, false, false, 'joined'],
      ['lt-user-3', 1, true, false, 'joined'],
      ['lt-user-4', 1, false, false, 'joined'],
      ['lt-user-5', 1, false, false, 'joined'],
    ]);
    for (const talker of [p[0]!, p[3]!]) assert.ok(talker.voiceSent > 0, `${talker.username} sent no voice`);
    assert.ok(p[0]!.screenSent > 0, 'no screen sent');
    for (const listener of [p[1]!, p[2]!]) {
      assert.ok(listener.audioPackets > 0, `${listener.username} heard nothing`);
      assert.ok(listener.videoPackets > 0, `${listener.username} saw no screen`);
    }
    // The talkers' audio levels reach the SFU's voice activity detection: each is seen talking (listeners
    // who join after a talker started hear of it only at the next pause, so only the talker is sure to).
    for (const talker of [p[0]!, p[3]!]) assert.ok(talker.voiceOnEvents > 0, `${talker.username} was not seen talking`);
    for (const listener of [p[4]!, p[5]!]) {
      assert.ok(listener.audioPackets > 0, `${listener.username} heard nothing`);
      assert.equal(listener.videoPackets, 0, `${listener.username} got video from another call`);
    }
    // Nobody else talks to a call's talker.
    assert.equal(p[0]!.audioPackets + p[3]!.audioPackets, 0);

    const c = results.clients;
    assert.ok(c.lossRate <= 0.01, `loss ${c.lossRate} (${c.lostPackets} of ${c.expectedPackets})`);
    assert.ok(c.delayMs.samples > 0 && c.delayMs.p50 > 0 && c.delayMs.p99 >= c.delayMs.p50, JSON.stringify(c.delayMs));
    assert.equal(c.joinToFirstAudioMs.samples, 4, 'the two listeners of each call heard their talker');
    assert.ok(results.server.forwardedPerCpuSecond > 0 && results.server.memAvgMB > 0);
    // Each stream goes to two listeners: the server sends out about twice what it takes in.
    const ratio = results.server.bandwidthOutMbps / results.server.bandwidthInMbps;
    assert.ok(ratio > 1.5 && ratio < 2.5, `out/in ${ratio}`);

    // Everyone left; then the plugin's own counters over the whole run match what lt counted.
    await waitFor('every session gone', async () => metricValue(await host.scrape(), `${P}_rtc_sessions_total`) === 0);
    const after = await host.scrape();
    const delta = (name: string, labels: Record<string, string>) => metricValue(after, name, labels) - metricValue(before, name, labels);
    const forwarded = delta(`${P}_rtc_rtp_packets_total`, { direction: 'out' });
    const received = p.reduce((n, x) => n + x.audioPackets + x.videoPackets, 0);
    assert.ok(Math.abs(forwarded - received) <= 0.03 * forwarded, `plugin forwarded ${forwarded}, users received ${received}`);
    const voiceIn = delta(`${P}_rtc_rtp_packets_total`, { direction: 'in', type: 'voice' });
    const voiceSent = p.reduce((n, x) => n + x.voiceSent, 0);
    assert.ok(Math.abs(voiceIn - voiceSent) <= 0.03 * voiceSent, `plugin received ${voiceIn} voice packets, talkers sent ${voiceSent}`);
    const screenIn = delta(`${P}_rtc_rtp_packets_total`, { direction: 'in', type: 'screen' });
    assert.ok(Math.abs(screenIn - p[0]!.screenSent) <= 0.03 * p[0]!.screenSent, `plugin received ${screenIn} screen packets, sharer sent ${p[0]!.screenSent}`);
  });
});

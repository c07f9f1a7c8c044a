// lt against a real host + Calls plugin (embedded SFU) started here: 2 calls × 3 users, 1 unmuted per call,
// a screen share in the first call, through the CLI with --json. Every figure must come from real traffic:
// what the media server says it forwarded matches what the simulated users counted, deliveries are whole,
// the delay and join-to-first-audio figures exist for exactly the listeners who had someone to hear.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CallsHost, embeddedEnv, metricValue } from '../../plugin/test/helpers/harness.js';
import { waitFor } from '../../rtcd/test/helpers/wait.js';
import type { LtResults } from '../src/results.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'lt', 'src', 'cli.ts');

function lt(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.tsx.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe('lt: the load-test agent', () => {
  let host: CallsHost;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lt-test-'));
    host = await CallsHost.start({ env: await embeddedEnv() });
    // The first user of a host is its system admin: lt's -setup logs in as it.
    await host.user('ltadmin');
  });

  after(async () => {
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects bad flags with a clear message and exit code 2', async () => {
    const r = await lt(['-calls', '2', '-channel', 'abc']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /-channel requires -calls 1/);
    const u = await lt(['-users-per-call', 'many']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /-users-per-call: "many" is not an integer/);
  });

  it('runs 2 calls × 3 users (1 unmuted, 1 screen share) and reports numbers from real traffic', async () => {
    const out = join(dir, 'results.json');
    const metricsUrl = `${host.host.metricsUrl}/plugins/com.mattermost.calls/metrics`;
    const r = await lt([
      `-url=${host.url}`,
      '-calls', '2', '-users-per-call', '3', '-unmuted', '1', '-screen-sharing', '1',
      '-duration', '16s', '-join-duration', '3s',
      '-admin-username', 'ltadmin', '-admin-password', 'calls-test-password',
      '-user-prefix', 'lt-user-', '-user-password', 'lt-Password-1',
      '-metrics-url', metricsUrl,
      '-progress=false',
      '--json', out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const { results } = JSON.parse(readFileSync(out, 'utf8')) as { results: LtResults };
    assert.match(r.stdout, /\| Calls \| Participants\/call \| Unmuted\/call \| Screen sharing \| CPU avg \| Mem avg \| BW in \/ out \|/);
    assert.match(r.stdout, /\| 2 \| 3 \| 1 \| yes \(1\) \|/);
    assert.deepEqual(results.users, { total: 6, joined: 6, failed: 0, firstError: '' });

    const s = results.server;
    const c = results.clients;
    // Per call one talker heard by two listeners, plus the screen of call 0 seen by two viewers.
    assert.ok(s.forwardedPerSecond > 2 * 2 * 40, `forwarded ${s.forwardedPerSecond} pkt/s`);
    // What the server counted as forwarded is what the users received (same window, loopback).
    assert.ok(Math.abs(c.receivedPerSecond - s.forwardedPerSecond) <= 0.1 * s.forwardedPerSecond, `received ${c.receivedPerSecond} vs forwarded ${s.forwardedPerSecond}`);
    assert.ok(s.packetsInPerSecond > 2 * 40, `ingest ${s.packetsInPerSecond} pkt/s`);
    assert.ok(c.voiceDelivery >= 0.95 && c.voiceDelivery <= 1.02, `voice delivery ${c.voiceDelivery}`);
    assert.ok(c.screenDelivery >= 0.95 && c.screenDelivery <= 1.02, `screen delivery ${c.screenDelivery}`);
    assert.ok(c.lossRate < 0.02, `loss ${c.lossRate}`);
    // The screen sample is ~1.6 Mbit/s, the speech ~80 kbit/s: out is ~2 viewers × 1.6 + 4 listeners × 0.08.
    assert.ok(s.bandwidthInMbps > 1 && s.bandwidthInMbps < 3, `in ${s.bandwidthInMbps} Mbps`);
    assert.ok(s.bandwidthOutMbps > 2 * s.bandwidthInMbps * 0.8, `out ${s.bandwidthOutMbps} Mbps`);
    assert.ok(s.cpuCores > 0 && s.forwardedPerCpuSecond > 0);
    assert.ok(s.memAvgMB > 10);
    // Delay measured on received packets; join-to-first-audio for the 2 listeners of each call.
    assert.ok(c.delayMs.samples > 1000, `${c.delayMs.samples} delay samples`);
    assert.ok(c.delayMs.p50 > 0 && c.delayMs.p99 >= c.delayMs.p50);
    assert.equal(c.joinToFirstAudioMs.samples, 4);
    assert.ok(Number.isFinite(c.jitterMs));

    // After the run everyone left: the plugin's SFU is back to no sessions.
    await waitFor('no session left', async () => metricValue(await host.scrape(), 'mattermost_plugin_calls_rtc_sessions_total') === 0);
  });
});

// One product-level case: a fresh rtcd (N media workers) + host + Calls plugin (stack.ts), and lt in a
// process of its own driving users through the real product (login, host WebSocket, Calls join, werift
// peers sending the speech and screen samples). lt's --json results give the media server's CPU, memory,
// bandwidth and forwarded packets (from rtcd's /metrics) and what the users received; the runner adds the
// busiest rtcd thread's CPU over lt's steady window (/proc), for the worker scaling figure.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LtResults } from '../../lt/src/results.js';
import { histogramQuantileBound, msBound } from './prom-text.js';
import { ADMIN, REPO, startProductStack, threadCpuSeconds } from './stack.js';

export interface ProductSpec {
  id: string;
  label: string;
  workers: number;
  calls: number;
  usersPerCall: number;
  unmuted: number;
  screenSharing: number;
  /** Seconds measured (lt's steady window is about this). */
  windowSeconds: number;
}

export interface ProductResult extends ProductSpec {
  sessions: number;
  failedUsers: number;
  forwardedPerSecond: number;
  cpuCores: number;
  /** rtcd's CPU as a share of the machine's cores (the reference's "CPU avg" is of the whole instance). */
  cpuPercent: number;
  machineCores: number;
  busiestThreadCores: number;
  /** Forwarded pkt/s per core of the busiest rtcd thread (what it would forward with that thread at 100 %). */
  capacityPerSecond: number;
  forwardedPerCpuSecond: number;
  cpuMicrosPerPacket: number;
  memAvgMB: number;
  rssPerSessionMB: number;
  bandwidthInMbps: number;
  bandwidthOutMbps: number;
  voiceDelivery: number;
  screenDelivery: number;
  lossRate: number;
  jitterMs: number;
  delayP50Ms: number;
  delayP99Ms: number;
  joinToFirstAudioP50Ms: number;
  joinToFirstAudioP99Ms: number;
  /** Upper bound (ms) of the 99th percentile of rtcd's time to hand an ingest packet to all receivers, whole run. */
  forwardWriteP99BoundMs: number | null;
}

const LT_DIST = join(REPO, 'lt', 'dist', 'cli.js');
/** What the product cases run: the built JavaScript of every process (`npm run build`). */
const BUILT = ['rtcd/dist/main.js', 'host/dist/main.js', 'plugin/dist/main.js', 'webapp/dist/main.js', 'lt/dist/cli.js'];

/** Why the product cases cannot run here (a missing build), or undefined. */
export function productUnavailable(): string | undefined {
  const missing = BUILT.filter((f) => !existsSync(join(REPO, f)));
  return missing.length ? `not built: ${missing.join(', ')} (run npm run build first)` : undefined;
}

interface ThreadSample {
  at: number;
  threads: Map<string, number>;
}

/** The sample closest to `at` (ms since the epoch). */
function nearest(samples: ThreadSample[], at: number): ThreadSample | undefined {
  let best: ThreadSample | undefined;
  for (const s of samples) if (!best || Math.abs(s.at - at) < Math.abs(best.at - at)) best = s;
  return best;
}

/** `rtcdExecArgv`: node flags for rtcd (--cpu-prof). */
export async function measureProductCase(spec: ProductSpec, log: (line: string) => void, rtcdExecArgv: string[] = []): Promise<ProductResult> {
  const missing = productUnavailable();
  if (missing) throw new Error(missing);
  const stack = await startProductStack({ workers: spec.workers, rtcdExecArgv });
  const dir = mkdtempSync(join(tmpdir(), 'calls-bench-lt-'));
  const samples: ThreadSample[] = [];
  const sampler = setInterval(() => samples.push({ at: Date.now(), threads: threadCpuSeconds(stack.rtcd.pid) }), 500);
  try {
    const users = spec.calls * spec.usersPerCall;
    const joinSeconds = Math.max(3, Math.ceil(users * 0.06));
    const out = join(dir, 'lt.json');
    const args = [
      LT_DIST,
      `-url=${stack.siteUrl}`,
      `-calls=${spec.calls}`,
      `-users-per-call=${spec.usersPerCall}`,
      `-unmuted=${spec.unmuted}`,
      `-screen-sharing=${spec.screenSharing}`,
      `-join-duration=${joinSeconds}s`,
      `-duration=${joinSeconds + 4 + spec.windowSeconds}s`,
      `-admin-username=${ADMIN.username}`,
      `-admin-password=${ADMIN.password}`,
      '-user-password=Bench-user-1',
      `-metrics-url=${stack.rtcdMetricsUrl}`,
      '-progress=false',
      '--json',
      out,
    ];
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
    });
    child.stdout.resume();
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    if (code !== 0 || !existsSync(out)) throw new Error(`lt exited with ${code}:\n${stderr.slice(-3000)}`);
    const { results: r } = JSON.parse(readFileSync(out, 'utf8')) as { results: LtResults };
    const metrics = await (await fetch(stack.rtcdMetricsUrl, { signal: AbortSignal.timeout(5000) })).text();
    const writeP99 = msBound(histogramQuantileBound(metrics, 'rtcd_rtc_rtp_tracks_writes_time', 0.99));
    const a = nearest(samples, r.window.start);
    const b = nearest(samples, r.window.end);
    let busiest = 0;
    if (a && b && b.at > a.at) {
      for (const [tid, sec] of b.threads) busiest = Math.max(busiest, (sec - (a.threads.get(tid) ?? 0)) / ((b.at - a.at) / 1000));
    }
    const s = r.server;
    const c = r.clients;
    log(
      `  ${spec.id}: ${r.users.joined}/${r.users.total} users, ${s.forwardedPerSecond} fwd/s, rtcd ${s.cpuCores} cores (busiest thread ${busiest.toFixed(2)}), ` +
        `${s.forwardedPerCpuSecond} fwd per CPU-s, delivery ${c.voiceDelivery}, j2a p50 ${c.joinToFirstAudioMs.p50} ms`,
    );
    return {
      ...spec,
      sessions: r.users.joined,
      failedUsers: r.users.failed,
      forwardedPerSecond: s.forwardedPerSecond,
      cpuCores: s.cpuCores,
      cpuPercent: s.cpuPercent,
      machineCores: s.machineCores,
      busiestThreadCores: Math.round(busiest * 1000) / 1000,
      capacityPerSecond: busiest > 0 ? Math.round(s.forwardedPerSecond / busiest) : 0,
      forwardedPerCpuSecond: s.forwardedPerCpuSecond,
      cpuMicrosPerPacket: s.cpuMicrosPerForwarded,
      memAvgMB: s.memAvgMB,
      rssPerSessionMB: s.rssPerSessionMB,
      bandwidthInMbps: s.bandwidthInMbps,
      bandwidthOutMbps: s.bandwidthOutMbps,
      voiceDelivery: c.voiceDelivery,
      screenDelivery: c.screenDelivery,
      lossRate: c.lossRate,
      jitterMs: c.jitterMs,
      delayP50Ms: c.delayMs.p50,
      delayP99Ms: c.delayMs.p99,
      joinToFirstAudioP50Ms: c.joinToFirstAudioMs.p50,
      joinToFirstAudioP99Ms: c.joinToFirstAudioMs.p99,
      forwardWriteP99BoundMs: writeP99,
    };
  } finally {
    clearInterval(sampler);
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

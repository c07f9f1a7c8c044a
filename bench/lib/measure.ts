// One benchmark case: start the SFU process and the load generator, set the calls up, let them run, then
// measure over a window: the SFU process's CPU time (process.cpuUsage: every thread, workers included), the
// packets it forwarded (its own rtp_packets_total{direction="out"}), what the listeners received and
// authenticated, and its resident memory per session.
import type { MediaPath } from '@calls-ts/rtcd/rtc';
import type { CallSpec } from '../load/loadgen.js';
import { LoadGenerator, startSfu } from './processes.js';
import { histogramQuantileBound, msBound, sumMetric } from './prom-text.js';

export interface CaseSpec {
  /** Unique within the run, e.g. `fanout-n100-500pps-fast`. */
  id: string;
  scenario: string;
  label: string;
  workers: number;
  mediaPath: MediaPath;
  calls: CallSpec[];
  /** Free-form parameters shown in the results. */
  params: Record<string, string | number>;
}

export interface CaseResult {
  id: string;
  scenario: string;
  label: string;
  workers: number;
  mediaPath: MediaPath;
  params: Record<string, string | number>;
  sessions: number;
  windowSeconds: number;
  /** Forwarded RTP packets per wall-clock second. */
  forwardedPerSecond: number;
  /** SFU CPU (all threads) as a share of one core. */
  cpuCores: number;
  /** CPU of the SFU's busiest thread (a media worker, or the main thread) as a share of one core. */
  busiestThreadCores: number;
  /**
   * Forwarded packets/s per core of the busiest thread: what the SFU would forward with that thread at 100 %
   * (each thread on a core of its own). On a machine the load generator shares, this is the capacity figure
   * that compares worker counts; the delivered rate is bounded by the machine.
   */
  capacityPerSecond: number;
  /** The headline: forwarded packets per CPU-second of the SFU process. */
  forwardedPerCpuSecond: number;
  /** CPU µs per forwarded packet, all-in (fixed per-session costs included). */
  cpuMicrosPerPacket: number;
  /** Packets the listeners received (and authenticated) / packets the talkers sent × listeners. */
  deliveryRatio: number;
  /**
   * Upper bound (ms) of the 99th percentile of the SFU's time to hand one ingest packet to all its receivers
   * (`rtp_tracks_writes_time`, latency buckets) over the window; null without observations.
   */
  forwardWriteP99BoundMs: number | null;
  /** Receive gaps the listeners saw over the whole run. */
  lost: number;
  /** SRTP authentication failures at the listeners (must be 0). */
  authFailures: number;
  rssBaselineMB: number;
  rssPerSessionMB: number;
  /** With --repeat: how many runs, and each run's forwarded packets per CPU-second (this is the median). */
  repeats?: number;
  spread?: number[];
}

export interface MeasureOptions {
  warmupSeconds: number;
  windowSeconds: number;
  /** SFU node flags (profiling). */
  sfuExecArgv?: string[];
  /** Run one-worker cases with the engine in the SFU's main thread (for profiles). */
  inline?: boolean;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureCase(spec: CaseSpec, opts: MeasureOptions): Promise<CaseResult> {
  const sfu = await startSfu({
    workers: spec.workers,
    mediaPath: spec.mediaPath,
    execArgv: opts.sfuExecArgv,
    inline: opts.inline && spec.workers === 1,
  });
  let load: LoadGenerator | undefined;
  try {
    // Baseline memory once start-up garbage is collected and the process has settled.
    await sleep(1500);
    await sfu.usage();
    await sleep(500);
    const base = await sfu.usage();
    load = await LoadGenerator.start(sfu);
    const t0 = Date.now();
    await load.setup(spec.calls);
    opts.log(`  ${spec.id}: ${(await load.stats()).sessions} sessions up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await sleep(opts.warmupSeconds * 1000);

    const u0 = await sfu.usage();
    const m0 = await sfu.metricsText();
    const l0 = await load.stats();
    const w0 = process.hrtime.bigint();
    await sleep(opts.windowSeconds * 1000);
    const u1 = await sfu.usage();
    const m1 = await sfu.metricsText();
    const l1 = await load.stats();
    const wall = Number(process.hrtime.bigint() - w0) / 1e9;

    const out = (t: string) => sumMetric(t, 'rtcd_rtc_rtp_packets_total', { direction: 'out' });
    const forwarded = out(m1) - out(m0);
    const cpuSeconds = (u1.user + u1.system - u0.user - u0.system) / 1e6;
    // Expected deliveries: each talker's packets reach every listener of its call (talkers also hear each
    // other; those are forwarded but not counted by the load generator). Talkers of a case send at one rate.
    const talkers = spec.calls.reduce((n, c) => n + c.talkers, 0);
    const listenerShare = spec.calls.reduce((n, c) => n + c.talkers * c.listeners, 0) / Math.max(1, talkers);
    const expected = (l1.sent - l0.sent) * listenerShare;
    const sessions = l1.sessions;
    let busiest = 0;
    for (const [tid, sec] of Object.entries(u1.threads)) busiest = Math.max(busiest, sec - (u0.threads[tid] ?? 0));
    const busiestThreadCores = busiest / wall;
    return {
      id: spec.id,
      scenario: spec.scenario,
      label: spec.label,
      workers: spec.workers,
      mediaPath: spec.mediaPath,
      params: spec.params,
      sessions,
      windowSeconds: round(wall, 2),
      forwardedPerSecond: Math.round(forwarded / wall),
      cpuCores: round(cpuSeconds / wall, 3),
      busiestThreadCores: round(busiestThreadCores, 3),
      capacityPerSecond: Math.round(forwarded / wall / Math.max(busiestThreadCores, 1e-3)),
      forwardedPerCpuSecond: Math.round(forwarded / Math.max(cpuSeconds, 1e-6)),
      cpuMicrosPerPacket: round((cpuSeconds * 1e6) / Math.max(1, forwarded), 2),
      deliveryRatio: round(expected > 0 ? (l1.received - l0.received) / expected : 0, 4),
      forwardWriteP99BoundMs: msBound(histogramQuantileBound(m1, 'rtcd_rtc_rtp_tracks_writes_time', 0.99, m0)),
      lost: l1.lost,
      authFailures: l1.failures,
      rssBaselineMB: round(base.rss / 2 ** 20, 1),
      rssPerSessionMB: round((u1.rss - base.rss) / 2 ** 20 / Math.max(1, sessions), 3),
    };
  } finally {
    await load?.stop().catch(() => undefined);
    await sfu.stop().catch(() => undefined);
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

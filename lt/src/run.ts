// One load test: prepare users, spread their joins over the join window, keep them in their calls for the
// rest of the duration, and measure the steady part (from when the last join settled to the end): the media
// server's CPU, memory, bandwidth and forwarded packets (its metrics endpoints), and what the simulated
// users received (packets, loss, jitter, one-way delay, join-to-first-audio).
import { existsSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { LatencyHistogram, SendRegistry, readIvf, readOggOpus } from '@calls-ts/rtcd/client';
import type { LtConfig } from './flags.js';
import { HostApi } from './host-api.js';
import { MediaServerSampler, defaultMetricsUrls, type ServerSample } from './media-server.js';
import { AgentMonitor } from './agent.js';
import { Progress } from './progress.js';
import { computeResults, type LtResults, type Snapshot } from './results.js';
import { prepare } from './setup.js';
import type { Media, SimUser } from './user.js';

export interface RunHooks {
  progress?: Progress;
  log?: (line: string) => void;
  /** Aborting ends the run early: the users leave their calls, then runLoadTest rejects with RunInterrupted. */
  signal?: AbortSignal;
}

export class RunInterrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'RunInterrupted';
  }
}

const SAMPLE_INTERVAL_MS = 2000;
/** After the last join: let renegotiations and keyframes settle before measuring. */
const SETTLE_MS = 2000;
const JOIN_TIMEOUT_MS = 30_000;
/** Shortest steady window: joins that outlast -duration extend the run rather than leave nothing to measure. */
const MIN_WINDOW_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function defaultIceAddress(url: string): string {
  const host = new URL(url).hostname;
  if (host === 'localhost' || host.startsWith('127.') || host === '[::1]') return '127.0.0.1';
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export function loadMedia(cfg: LtConfig): Media {
  const levelsFile = cfg.speechFile.replace(/\.ogg$/, '.levels');
  return {
    speech: readOggOpus(cfg.speechFile),
    levels: existsSync(levelsFile) ? new Uint8Array(readFileSync(levelsFile)) : undefined,
    screen: cfg.screenSharing > 0 ? readIvf(cfg.screenFile) : undefined,
  };
}

function snapshot(users: SimUser[], server: ServerSample): Snapshot {
  return {
    at: server.at,
    wallAt: Date.now(),
    server,
    users: users.map((u) => ({
      audio: u.counter?.audioPackets ?? 0,
      video: u.counter?.videoPackets ?? 0,
      voiceSent: u.voiceSent,
      screenSent: u.screenSent,
    })),
  };
}

export async function runLoadTest(cfg: LtConfig, hooks: RunHooks = {}): Promise<LtResults> {
  const progress = hooks.progress ?? new Progress(false);
  const log = hooks.log ?? (() => undefined);
  const aborted = () => hooks.signal?.aborted === true;
  const media = loadMedia(cfg);
  const iceAddress = cfg.iceAddress || defaultIceAddress(cfg.url);

  const { users, channels, admin } = await prepare(cfg, (done, total, what) => progress.update(`${what} ${Progress.bar(done, total)} ${done}/${total}`));
  progress.done();
  // The admin's view of the plugin config has RTCDServiceURL too (where the media is, hence its metrics).
  const callsConfig = await (admin ?? (await HostApi.login(cfg.url, users[0]!.username, cfg.userPassword)).api).callsConfig();
  const metricsUrls = cfg.metricsUrls.length ? cfg.metricsUrls : defaultMetricsUrls(cfg.url, callsConfig.RTCDServiceURL);
  log(`lt: media server metrics from ${metricsUrls.join(', ')}`);
  const sampler = new MediaServerSampler(metricsUrls);
  // Before anyone joins: fails early on an unreachable endpoint, and is the memory baseline.
  const baseline = await sampler.sample();
  const registry = new SendRegistry();
  const firstTalk = new Map<number, number>();
  const ctx = (u: SimUser) => ({
    url: cfg.url,
    channelID: channels[u.role.call]!,
    iceAddress,
    dcSignaling: callsConfig.EnableDCSignaling === true,
    media,
    registry,
    timeoutMs: JOIN_TIMEOUT_MS,
    onTalking: (who: SimUser, at: number) => {
      if (!firstTalk.has(who.role.call)) firstTalk.set(who.role.call, at);
    },
  });

  // Talkers and sharers first (their place in the call is lowest), calls filling up side by side.
  const order = [...users].sort((a, b) => a.role.indexInCall - b.role.indexInCall || a.role.call - b.role.call);
  const t0 = performance.now();
  sampler.start(SAMPLE_INTERVAL_MS);
  const joins: Promise<void>[] = [];
  for (let i = 0; i < order.length && !aborted(); i++) {
    const due = t0 + (order.length > 1 ? (i * cfg.joinDurationMs) / (order.length - 1) : 0);
    while (performance.now() < due && !aborted()) {
      progress.update(joinLine(users, cfg));
      await sleep(Math.min(100, due - performance.now()));
    }
    joins.push(order[i]!.join(ctx(order[i]!)));
  }
  while (users.some((u) => u.state === 'joining')) {
    progress.update(joinLine(users, cfg));
    await sleep(100);
  }
  await Promise.all(joins);
  progress.update(joinLine(users, cfg), true);
  progress.done();
  const failed = users.filter((u) => u.state === 'failed');
  if (failed.length) log(`lt: ${failed.length} user(s) failed to join, e.g. ${failed[0]!.username}: ${failed[0]!.error}`);
  if (failed.length === users.length || aborted()) {
    // Nothing to measure: say why now instead of idling through the duration.
    sampler.stop();
    await Promise.all(users.map((u) => u.stop()));
    if (aborted()) throw new RunInterrupted();
    throw new Error(`no user could join (${failed[0]!.username}: ${failed[0]!.error})`);
  }

  await sleep(Math.max(0, Math.min(SETTLE_MS, t0 + cfg.durationMs - performance.now() - MIN_WINDOW_MS)));
  const end = Math.max(t0 + cfg.durationMs, performance.now() + MIN_WINDOW_MS);
  if (end > t0 + cfg.durationMs) log(`lt: joining took ${Math.round((performance.now() - t0) / 1000)} s of the ${cfg.durationMs / 1000} s duration: measuring ${MIN_WINDOW_MS / 1000} s past it`);
  for (const u of users) u.counter?.delay.reset();
  const agent = new AgentMonitor();
  const s0 = snapshot(users, await sampler.sample());
  while (performance.now() < end && !aborted()) {
    progress.update(runLine(users, t0, end - t0));
    await sleep(Math.min(250, Math.max(0, end - performance.now())));
  }
  const s1 = snapshot(users, await sampler.sample());
  const agentLoad = agent.stop();
  sampler.stop();
  progress.update(runLine(users, t0, end - t0), true);
  progress.done();
  if (aborted()) {
    await Promise.all(users.map((u) => u.stop()));
    throw new RunInterrupted();
  }

  const delay = new LatencyHistogram();
  for (const u of users) if (u.counter) delay.merge(u.counter.delay);
  const results = computeResults({ cfg, metricsUrls, users, s0, s1, baseline, sampler, delay, firstTalk, agent: agentLoad });
  progress.update('leaving', true);
  await Promise.all(users.map((u) => u.stop()));
  progress.done();
  return results;
}

function joinLine(users: SimUser[], cfg: LtConfig): string {
  const joined = users.filter((u) => u.state === 'joined').length;
  const failed = users.filter((u) => u.state === 'failed').length;
  return `joining ${Progress.bar(joined + failed, users.length)} ${joined}/${users.length} in call${failed ? `, ${failed} failed` : ''} (${cfg.calls} call(s))`;
}

function runLine(users: SimUser[], t0: number, durationMs: number): string {
  const elapsed = performance.now() - t0;
  const rx = users.reduce((n, u) => n + (u.counter?.packets ?? 0), 0);
  const lost = users.reduce((n, u) => n + (u.counter?.lost ?? 0), 0);
  return `running ${Progress.bar(elapsed, durationMs)} ${Math.round(elapsed / 1000)}/${Math.round(durationMs / 1000)} s, ${rx} packets received, ${lost} lost`;
}

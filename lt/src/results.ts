// lt's results: computed from two snapshots (start and end of the steady window) of the media server's
// metrics and of what every simulated user sent and received, plus the whole-run counters; printed as the
// reference's baseline table (calls, participants/call, unmuted/call, screen, CPU avg, memory avg, bandwidth
// in/out) and a second table of what the users got (loss, jitter, one-way delay, join-to-first-audio).
import { cpus } from 'node:os';
import type { LatencyHistogram } from '@calls-ts/rtcd/client';
import { AGENT_LAG_WARN_MS, type AgentLoad } from './agent.js';
import type { LtConfig } from './flags.js';
import type { MediaServerSampler, ServerSample } from './media-server.js';
import type { SimUser } from './user.js';

export interface Snapshot {
  at: number;
  /** Date.now() of the snapshot. */
  wallAt: number;
  server: ServerSample;
  users: { audio: number; video: number; voiceSent: number; screenSent: number }[];
}

export interface Quantiles {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

/** One simulated user over the whole run (what it sent and received). */
export interface ParticipantResult {
  username: string;
  call: number;
  unmuted: boolean;
  screen: boolean;
  state: string;
  error: string;
  audioPackets: number;
  videoPackets: number;
  lostPackets: number;
  voiceSent: number;
  screenSent: number;
  /** `user_voice_on` events seen: the SFU's voice activity detection (from the audio levels) at work. */
  voiceOnEvents: number;
}

export interface LtResults {
  calls: number;
  usersPerCall: number;
  unmutedPerCall: number;
  screenSharing: number;
  durationSeconds: number;
  windowSeconds: number;
  /** The steady window, wall clock (ms since the epoch): what other tools line their samples up with. */
  window: { start: number; end: number };
  users: { total: number; joined: number; failed: number; firstError: string };
  server: {
    endpoints: string[];
    cpuCores: number;
    /** Share of this machine's cores (the reference's "CPU avg" is of the whole instance). */
    cpuPercent: number;
    machineCores: number;
    memAvgMB: number;
    rssBaselineMB: number;
    rssPerSessionMB: number;
    bandwidthInMbps: number;
    bandwidthOutMbps: number;
    packetsInPerSecond: number;
    forwardedPerSecond: number;
    forwardedPerCpuSecond: number;
    cpuMicrosPerForwarded: number;
    scrapeErrors: number;
  };
  clients: {
    receivedPackets: number;
    receivedPerSecond: number;
    expectedPackets: number;
    lostPackets: number;
    lossRate: number;
    /** Voice packets received / voice packets sent × listeners, over the window. */
    voiceDelivery: number;
    screenDelivery: number;
    jitterMs: number;
    delayMs: Quantiles;
    joinToFirstAudioMs: Quantiles;
    connectMs: Quantiles;
  };
  /** lt's own load over the window (its stalls add to delay and jitter). */
  agent: AgentLoad;
  participants: ParticipantResult[];
}

export interface ResultsInput {
  cfg: LtConfig;
  /** The media server endpoints scraped. */
  metricsUrls: string[];
  users: SimUser[];
  s0: Snapshot;
  s1: Snapshot;
  baseline: ServerSample;
  sampler: MediaServerSampler;
  delay: LatencyHistogram;
  firstTalk: Map<number, number>;
  agent: AgentLoad;
}

const round = (v: number, d = 2) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : NaN);

export function quantiles(values: number[]): Quantiles {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const q = (p: number) => (v.length ? v[Math.min(v.length - 1, Math.max(0, Math.ceil(p * v.length) - 1))]! : NaN);
  return { p50: round(q(0.5), 1), p99: round(q(0.99), 1), max: round(v[v.length - 1] ?? NaN, 1), samples: v.length };
}

/** Expected deliveries per call: each sender's packets to every other member who is in the call. */
function delivery(inp: ResultsInput, kind: 'audio' | 'video'): number {
  const { users, s0, s1 } = inp;
  let got = 0;
  let want = 0;
  for (let c = 0; c < inp.cfg.calls; c++) {
    const members = users.map((u, i) => ({ u, i })).filter(({ u }) => u.role.call === c && u.state === 'joined');
    for (const { i } of members) {
      got += s1.users[i]![kind] - s0.users[i]![kind];
      const sent = kind === 'audio' ? s1.users[i]!.voiceSent - s0.users[i]!.voiceSent : s1.users[i]!.screenSent - s0.users[i]!.screenSent;
      want += sent * (members.length - 1);
    }
  }
  return want > 0 ? round(got / want, 4) : NaN;
}

export function computeResults(inp: ResultsInput): LtResults {
  const { cfg, users, s0, s1, baseline } = inp;
  const wall = (s1.at - s0.at) / 1000;
  const a = s0.server;
  const b = s1.server;
  const cpu = b.cpuSeconds - a.cpuSeconds;
  const fwd = b.packetsOut - a.packetsOut;
  const joined = users.filter((u) => u.state === 'joined');
  const sessions = Math.max(1, joined.length);
  const memAvg = inp.sampler.meanRss(s0.at, s1.at);
  const mem = Number.isFinite(memAvg) ? memAvg : (a.rssBytes + b.rssBytes) / 2;
  const machineCores = cpus().length;
  const received = users.reduce((n, u) => n + (u.counter?.packets ?? 0), 0);
  const expected = users.reduce((n, u) => n + (u.counter?.expected ?? 0), 0);
  const lost = users.reduce((n, u) => n + (u.counter?.lost ?? 0), 0);
  const rxWindow = s1.users.reduce((n, x, i) => n + x.audio + x.video - s0.users[i]!.audio - s0.users[i]!.video, 0);
  const jitters = users.map((u) => u.counter?.jitterMs('audio') ?? NaN).filter(Number.isFinite);
  const j2a: number[] = [];
  for (const u of users) {
    const talk = inp.firstTalk.get(u.role.call);
    const first = u.counter?.firstAudioAt ?? -1;
    // Only users who had someone to hear: the call's first talker alone hears nobody.
    if (talk === undefined || first < 0 || u.joinStartedAt < 0) continue;
    j2a.push(first - Math.max(u.joinStartedAt, talk));
  }
  const failed = users.filter((u) => u.state === 'failed');
  return {
    calls: cfg.calls,
    usersPerCall: cfg.usersPerCall,
    unmutedPerCall: cfg.unmuted,
    screenSharing: cfg.screenSharing,
    durationSeconds: round(cfg.durationMs / 1000, 1),
    windowSeconds: round(wall, 2),
    window: { start: s0.wallAt, end: s1.wallAt },
    users: { total: users.length, joined: joined.length, failed: failed.length, firstError: failed[0]?.error ?? '' },
    server: {
      endpoints: inp.metricsUrls,
      cpuCores: round(cpu / wall, 3),
      cpuPercent: round((100 * cpu) / wall / machineCores, 1),
      machineCores,
      memAvgMB: round(mem / 2 ** 20, 1),
      rssBaselineMB: round(baseline.rssBytes / 2 ** 20, 1),
      rssPerSessionMB: round((mem - baseline.rssBytes) / 2 ** 20 / sessions, 3),
      bandwidthInMbps: round(((b.bytesIn - a.bytesIn) * 8) / wall / 1e6, 3),
      bandwidthOutMbps: round(((b.bytesOut - a.bytesOut) * 8) / wall / 1e6, 3),
      packetsInPerSecond: Math.round((b.packetsIn - a.packetsIn) / wall),
      forwardedPerSecond: Math.round(fwd / wall),
      forwardedPerCpuSecond: cpu > 0 ? Math.round(fwd / cpu) : 0,
      cpuMicrosPerForwarded: fwd > 0 ? round((cpu * 1e6) / fwd, 2) : NaN,
      scrapeErrors: inp.sampler.errors,
    },
    clients: {
      receivedPackets: received,
      receivedPerSecond: Math.round(rxWindow / wall),
      expectedPackets: expected,
      lostPackets: lost,
      lossRate: expected > 0 ? round(lost / expected, 5) : 0,
      voiceDelivery: delivery(inp, 'audio'),
      screenDelivery: delivery(inp, 'video'),
      jitterMs: round(jitters.length ? jitters.reduce((n, x) => n + x, 0) / jitters.length : NaN, 2),
      delayMs: { p50: round(inp.delay.quantile(0.5), 1), p99: round(inp.delay.quantile(0.99), 1), max: round(inp.delay.max, 1), samples: inp.delay.count },
      joinToFirstAudioMs: quantiles(j2a),
      connectMs: quantiles(users.filter((u) => u.connectedAt > 0).map((u) => u.connectedAt - u.joinStartedAt)),
    },
    agent: inp.agent,
    participants: users.map((u) => ({
      username: u.username,
      call: u.role.call,
      unmuted: u.role.unmuted,
      screen: u.role.screen,
      state: u.state,
      error: u.error,
      audioPackets: u.counter?.audioPackets ?? 0,
      videoPackets: u.counter?.videoPackets ?? 0,
      lostPackets: u.counter?.lost ?? 0,
      voiceSent: u.voiceSent,
      screenSent: u.screenSent,
      voiceOnEvents: u.client?.received('user_voice_on').length ?? 0,
    })),
  };
}

const fmt = (v: number, unit = '') => (Number.isFinite(v) ? `${v}${unit}` : 'n/a');

function mbps(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} Gbps` : `${v.toFixed(v < 10 ? 2 : 1)} Mbps`;
}

function table(head: string[], row: string[]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, `| ${row.join(' | ')} |`].join('\n');
}

/** The media server's kind, from its endpoint's path (rtcd serves /metrics, the plugin its own route). */
function serverKind(url: string): string {
  return url.includes('/plugins/') ? 'Calls plugin' : 'rtcd';
}

/** The two result tables (markdown, readable in a terminal), and what the reader must know about them. */
export function formatResults(r: LtResults): string {
  const s = r.server;
  const c = r.clients;
  const a = r.agent;
  const out = [
    `media server: ${s.endpoints.map((e) => `${serverKind(e)} (${e})`).join(', ')}; steady window ${r.windowSeconds} s; ` +
      `${r.users.joined}/${r.users.total} users in call${r.users.failed ? `, ${r.users.failed} failed (${r.users.firstError})` : ''}`,
    '',
    table(
      ['Calls', 'Participants/call', 'Unmuted/call', 'Screen sharing', 'CPU avg', 'Mem avg', 'BW in / out'],
      [
        String(r.calls),
        String(r.usersPerCall),
        String(r.unmutedPerCall),
        r.screenSharing ? `yes (${r.screenSharing})` : 'no',
        `${fmt(s.cpuPercent, '%')} (${fmt(s.cpuCores)} of ${s.machineCores} cores)`,
        `${fmt(s.memAvgMB)} MB`,
        `${mbps(s.bandwidthInMbps)} / ${mbps(s.bandwidthOutMbps)}`,
      ],
    ),
    '',
    table(
      ['Forwarded pkt/s', 'Forwarded pkt per CPU-s', 'Received pkt/s', 'Loss', 'Delivery voice / screen', 'Jitter', 'Delay p50 / p99', 'Join → first audio p50 / p99'],
      [
        String(s.forwardedPerSecond),
        String(s.forwardedPerCpuSecond),
        String(c.receivedPerSecond),
        `${fmt(round(c.lossRate * 100, 3), '%')} (${c.lostPackets} of ${c.expectedPackets})`,
        `${fmt(c.voiceDelivery)} / ${fmt(c.screenDelivery)}`,
        fmt(c.jitterMs, ' ms'),
        `${fmt(c.delayMs.p50)} / ${fmt(c.delayMs.p99)} ms`,
        `${fmt(c.joinToFirstAudioMs.p50)} / ${fmt(c.joinToFirstAudioMs.p99)} ms`,
      ],
    ),
    '',
    `lt itself: ${fmt(a.cpuPercent, '%')} of a core, event-loop delay p99 ${fmt(a.eventLoopDelayP99Ms)} ms (max ${fmt(a.eventLoopDelayMaxMs)} ms)`,
  ];
  if (a.eventLoopDelayP99Ms > AGENT_LAG_WARN_MS) {
    out.push(`warning: lt's own event loop stalled (p99 ${a.eventLoopDelayP99Ms} ms): delay, jitter and join times include that; spread the users over more agents (-offset)`);
  }
  if (s.scrapeErrors) out.push(`warning: ${s.scrapeErrors} metrics scrape(s) failed`);
  if (r.calls > 0 && s.forwardedPerSecond === 0 && c.receivedPerSecond > 0) {
    out.push('warning: the metrics endpoint counted no forwarded packets while users received media: is media on rtcd? pass -metrics-url http://<rtcd>:8045/metrics');
  }
  return out.join('\n');
}

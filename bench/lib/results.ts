// Benchmark results: the raw cases as JSON (`bench/results/<timestamp>.json`, and `latest.json`) and a
// markdown summary (`bench/results/summary.md`, "our baseline"): one table per scenario, then the derived
// ratios (fast path / werift path, 2 workers / 1 worker) and the targets of the performance issue.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { CaseResult } from './measure.js';

export interface RunInfo {
  startedAt: string;
  finishedAt: string;
  node: string;
  cpu: string;
  cores: number;
  commit: string;
  warmupSeconds: number;
  windowSeconds: number;
  quick: boolean;
  repeat: number;
}

export interface RunResults {
  info: RunInfo;
  cases: CaseResult[];
  ratios: Ratio[];
}

export interface Ratio {
  what: string;
  numerator: string;
  denominator: string;
  metric: 'forwardedPerCpuSecond' | 'forwardedPerSecond' | 'capacityPerSecond';
  value: number;
}

export function runInfo(startedAt: Date, opts: { warmupSeconds: number; windowSeconds: number; quick: boolean; repeat: number }): RunInfo {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a checkout
  }
  const c = cpus();
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    node: process.version,
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    commit,
    ...opts,
  };
}

/** Ratios between cases that differ in one dimension only (media path; worker count). */
export function deriveRatios(cases: CaseResult[]): Ratio[] {
  const out: Ratio[] = [];
  const byId = new Map(cases.map((c) => [c.id, c]));
  for (const c of cases) {
    if (c.mediaPath === 'fast') {
      const before = byId.get(c.id.replace(/-fast$/, '-werift'));
      if (before) {
        out.push({
          what: `fast / werift path, ${c.label} (forwarded pkt per CPU-s)`,
          numerator: c.id,
          denominator: before.id,
          metric: 'forwardedPerCpuSecond',
          value: round2(c.forwardedPerCpuSecond / Math.max(1, before.forwardedPerCpuSecond)),
        });
      }
    }
    if (c.workers === 2) {
      const one = byId.get(c.id.replace(/-w2-/, '-w1-'));
      if (one) {
        out.push({
          what: `2 workers / 1 worker (${c.mediaPath} path), capacity (forwarded pkt/s per core of the busiest thread)`,
          numerator: c.id,
          denominator: one.id,
          metric: 'capacityPerSecond',
          value: round2(c.capacityPerSecond / Math.max(1, one.capacityPerSecond)),
        });
        out.push({
          what: `2 workers / 1 worker (${c.mediaPath} path), delivered pkt/s (bounded by this machine)`,
          numerator: c.id,
          denominator: one.id,
          metric: 'forwardedPerSecond',
          value: round2(c.forwardedPerSecond / Math.max(1, one.forwardedPerSecond)),
        });
      }
    }
  }
  return out;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const k = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)}k` : String(v));

function caseTable(cases: CaseResult[]): string {
  const rows = [
    '| case | path | workers | sessions | forwarded pkt/s | SFU CPU (cores) | busiest thread (cores) | **forwarded pkt per CPU-s** | µs CPU / pkt | capacity (pkt/s per busiest-thread core) | delivery | RSS / session |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of cases) {
    rows.push(
      `| ${c.label} | ${c.mediaPath} | ${c.workers} | ${c.sessions} | ${k(c.forwardedPerSecond)} | ${c.cpuCores.toFixed(2)} | ${c.busiestThreadCores.toFixed(2)} | **${k(c.forwardedPerCpuSecond)}** | ${c.cpuMicrosPerPacket} | ${k(c.capacityPerSecond)} | ${c.deliveryRatio.toFixed(3)}${c.authFailures ? ` (${c.authFailures} auth failures)` : ''} | ${(c.rssPerSessionMB * 1024).toFixed(0)} KiB |`,
    );
  }
  return rows.join('\n');
}

export function summaryMarkdown(r: RunResults, titles: Map<string, string>): string {
  const i = r.info;
  const lines = [
    '# SFU benchmark: our baseline',
    '',
    `Run ${i.startedAt} (commit ${i.commit}), Node ${i.node}, ${i.cores} × ${i.cpu}; ${i.warmupSeconds} s warm-up, ${i.windowSeconds} s measured per case${i.repeat > 1 ? `, median of ${i.repeat} runs` : ''}${i.quick ? ' (quick run)' : ''}.`,
    '',
    'The SFU (`RtcServer`) runs in its own process; the load generator (werift client peers joining through the',
    'Calls signaling, talkers sending Opus-like packets with the audio-level extension, listeners authenticating',
    'and counting every packet) in another. CPU is the SFU process\'s `process.cpuUsage()` (every thread) over the',
    'window; forwarded packets are the SFU\'s own `rtp_packets_total{direction="out"}`. Both processes share the',
    "machine's cores (and other work on it), so absolute figures vary between runs; ratios measured in one run",
    'hold better. `werift` = werift\'s own receive/send path (`RTC_MEDIA_PATH=werift`), `fast` = ours.',
    '',
    'Header extensions as browsers negotiate them: talkers send audio level, mid and the transport-wide number;',
    'the SFU writes each receiver leg\'s own mid and transport-wide number (the audio level is not forwarded).',
    '"Busiest thread" is the SFU thread with the most CPU (a media worker); "capacity" is the forwarded rate',
    'divided by that thread\'s share of a core, i.e. what it would forward at 100 % on a core of its own. RSS',
    'per session is the growth of the SFU process\'s resident memory over its idle baseline, divided by the',
    'sessions; with few sessions it is within the noise of the measurement. At 50 pkt/s per talker, fixed',
    'per-session costs (werift\'s RTCP, consent and timers, about 0.35 ms of CPU per second each) dominate.',
    '',
  ];
  const scenarios = [...new Set(r.cases.map((c) => c.scenario))];
  for (const s of scenarios) {
    lines.push(`## ${titles.get(s) ?? s}`, '', caseTable(r.cases.filter((c) => c.scenario === s)), '');
  }
  if (r.ratios.length) {
    lines.push('## Ratios', '', '| comparison | value |', '|---|---|');
    for (const x of r.ratios) lines.push(`| ${x.what} | **${x.value.toFixed(2)}×** |`);
    lines.push('');
  }
  const fastFanout = r.cases.filter((c) => c.scenario === 'fanout' && c.mediaPath === 'fast');
  const best = fastFanout.reduce((m, c) => Math.max(m, c.forwardedPerCpuSecond), 0);
  const scaling = r.ratios.filter((x) => x.metric === 'capacityPerSecond' && x.numerator.endsWith('-fast'));
  lines.push(
    '## Targets (measured, not asserted)',
    '',
    `- ≥ 60k forwarded voice packets per CPU-second with browser header extensions: best fast-path fan-out case **${k(best)}** (${best >= 60_000 ? 'met' : 'not met'}).`,
    ...scaling.map(
      (x) =>
        `- 2 workers ≥ 1.8× one: capacity **${x.value.toFixed(2)}×** (${x.value >= 1.8 ? 'met' : 'not met'}). Capacity = forwarded pkt/s per core of the busiest SFU thread; the delivered rate cannot show it here: the load generator shares the machine's ${i.cores} cores.`,
    ),
    '',
  );
  return lines.join('\n');
}

export function writeResults(dir: string, r: RunResults, titles: Map<string, string>): { json: string; summary: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = r.info.startedAt.replace(/[:.]/g, '-');
  const json = join(dir, `${stamp}.json`);
  const text = JSON.stringify(r, null, 2);
  writeFileSync(json, text);
  writeFileSync(join(dir, 'latest.json'), text);
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, summaryMarkdown(r, titles));
  return { json, summary };
}

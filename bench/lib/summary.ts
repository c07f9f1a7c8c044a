// bench/results/summary.md, "our baseline": the product cases in the reference's published format (calls,
// participants/call, unmuted/call, screen, CPU avg, memory avg, bandwidth in/out) and in detail, the pion
// yardstick with our / pion per (N, rate), the SFU-level tables, the ratios, and the issue's targets with
// what this run measured against each (reported, never asserted).
import type { CaseResult } from './measure.js';
import { yardstickValid, type YardstickResult } from './pion.js';
import type { ProductResult } from './product.js';
import type { Ratio, RunResults, YardstickRun } from './results.js';

const k = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)}k` : String(v));
const num = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const kib = (mb: number) => (Number.isFinite(mb) ? `${(mb * 1024).toFixed(0)} KiB` : 'n/a');
/** A latency bucket bound (results written before the field existed have none). */
const boundMs = (ms: number | null | undefined) => (typeof ms === 'number' ? `${ms} ms` : 'n/a');

export function mbps(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  return v >= 1000 ? `${(v / 1000).toFixed(2)} Gbps` : `${v.toFixed(v < 10 ? 2 : 1)} Mbps`;
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function sfuTable(cases: CaseResult[]): string {
  return table(
    ['case', 'path', 'workers', 'sessions', 'forwarded pkt/s', 'SFU CPU (cores)', 'busiest thread (cores)', '**forwarded pkt per CPU-s**', 'µs CPU / pkt', 'capacity (pkt/s per busiest-thread core)', 'delivery', 'write time p99 ≤', 'RSS / session'],
    cases.map((c) => [
      c.label,
      c.mediaPath,
      String(c.workers),
      String(c.sessions),
      k(c.forwardedPerSecond),
      c.cpuCores.toFixed(2),
      c.busiestThreadCores.toFixed(2),
      `**${k(c.forwardedPerCpuSecond)}**`,
      String(c.cpuMicrosPerPacket),
      k(c.capacityPerSecond),
      `${c.deliveryRatio.toFixed(3)}${c.authFailures ? ` (${c.authFailures} auth failures)` : ''}`,
      boundMs(c.forwardWriteP99BoundMs),
      kib(c.rssPerSessionMB),
    ]),
  );
}

const workersLabel = (w: number) => `${w} media worker${w > 1 ? 's' : ''}`;

/** The reference's table (docs/monitoring.md "Performance baseline" copies these rows). */
export function baselineTable(product: ProductResult[], cpu: string): string {
  return table(
    ['calls', 'participants/call', 'unmuted/call', 'screen', 'CPU avg', 'memory avg', 'bandwidth in / out', 'rtcd instance'],
    product.map((p) => [
      String(p.calls),
      String(p.usersPerCall),
      String(p.unmuted),
      p.screenSharing ? 'yes' : 'no',
      `${num(p.cpuPercent, 1)}% (${num(p.cpuCores)} cores)`,
      `${num(p.memAvgMB, 0)} MB`,
      `${mbps(p.bandwidthInMbps)} / ${mbps(p.bandwidthOutMbps)}`,
      `${workersLabel(p.workers)}, ${p.machineCores} × ${cpu}`,
    ]),
  );
}

function productDetail(product: ProductResult[]): string {
  return table(
    ['case', 'workers', 'users in call', 'forwarded pkt/s', 'rtcd CPU (cores)', 'busiest thread (cores)', '**forwarded pkt per CPU-s**', 'µs CPU / pkt', 'RSS / session', 'voice delivery', 'screen delivery', 'loss', 'rtcd write time p99 ≤', 'one-way delay p50 / p99', 'join → first audio p50 / p99'],
    product.map((p) => [
      p.label,
      String(p.workers),
      `${p.sessions}${p.failedUsers ? ` (${p.failedUsers} failed)` : ''}`,
      k(p.forwardedPerSecond),
      num(p.cpuCores),
      num(p.busiestThreadCores),
      `**${k(p.forwardedPerCpuSecond)}**`,
      num(p.cpuMicrosPerPacket),
      kib(p.rssPerSessionMB),
      num(p.voiceDelivery, 3),
      p.screenSharing ? num(p.screenDelivery, 3) : '–',
      `${num(p.lossRate * 100, 3)}%`,
      boundMs(p.forwardWriteP99BoundMs),
      `${num(p.delayP50Ms, 1)} / ${num(p.delayP99Ms, 1)} ms`,
      `${num(p.joinToFirstAudioP50Ms, 0)} / ${num(p.joinToFirstAudioP99Ms, 0)} ms`,
    ]),
  );
}

/** One row per (N, rate): pion's figures, ours, and the ratio. */
function yardstickTable(y: YardstickRun): string {
  const byId = new Map(y.cases.map((c) => [c.id, c]));
  const rows: string[][] = [];
  for (const ours of y.cases.filter((c) => c.sfu === 'ours')) {
    const pion = byId.get(ours.id.replace(/-ours$/, '-pion'));
    const both = (f: (c: YardstickResult) => string) => `${pion ? f(pion) : '–'} / ${f(ours)}`;
    rows.push([
      ours.label,
      pion ? k(pion.forwardedPerCoreSecond) : '–',
      k(ours.forwardedPerCoreSecond),
      pion
        ? `**${(ours.forwardedPerCoreSecond / Math.max(1, pion.forwardedPerCoreSecond)).toFixed(2)}**${yardstickValid(ours) && yardstickValid(pion) ? '' : ' (not valid: delivery < 0.99)'}`
        : '–',
      both((c) => k(c.deliveredPerCoreSecond)),
      both((c) => c.deliveryRatio.toFixed(3)),
      both((c) => String(c.usPerForwardedPacket)),
      both((c) => `${c.cpuPercent}%`),
      both((c) => `${c.loadCpuPercent}%`),
      both((c) => `${c.otherLoadPercent ?? '?'}%`),
      both((c) => `${c.rssMB}`),
    ]);
  }
  // A pion case whose partner failed still shows.
  for (const pion of y.cases.filter((c) => c.sfu === 'pion' && !byId.has(c.id.replace(/-pion$/, '-ours')))) {
    rows.push([pion.label, k(pion.forwardedPerCoreSecond), '–', '–', `${k(pion.deliveredPerCoreSecond)} / –`, `${pion.deliveryRatio.toFixed(3)} / –`, `${pion.usPerForwardedPacket} / –`, `${pion.cpuPercent}% / –`, `${pion.loadCpuPercent}% / –`, `${pion.otherLoadPercent ?? '?'}% / –`, `${pion.rssMB} / –`]);
  }
  return table(
    ['1 publisher → N, ingest rate', 'pion: forwarded pkt per CPU-s', 'ours: forwarded pkt per CPU-s', '**our / pion**', 'delivered pkt per CPU-s (pion / ours)', 'delivery (pion / ours)', 'µs CPU / forwarded pkt (pion / ours)', 'SFU CPU (pion / ours)', 'generator CPU (pion / ours)', 'other load on the machine (pion / ours)', 'SFU RSS MB (pion / ours)'],
    rows,
  );
}

const SFU_PREAMBLE = [
  'The SFU (`RtcServer`) runs in its own process; the load generator (werift client peers joining through the',
  'Calls signaling, talkers sending Opus-like packets with the audio-level extension, listeners authenticating',
  "and counting every packet) in another. CPU is the SFU process's `process.cpuUsage()` (every thread) over the",
  "window; forwarded packets are the SFU's own `rtp_packets_total{direction=\"out\"}`. Both processes share the",
  "machine's cores (and other work on it), so absolute figures vary between runs; ratios measured in one run",
  "hold better. `werift` = werift's own receive/send path (`RTC_MEDIA_PATH=werift`), `fast` = ours.",
  '',
  'Header extensions as browsers negotiate them: talkers send audio level, mid and the transport-wide number;',
  "the SFU writes each receiver leg's own mid and transport-wide number (the audio level is not forwarded).",
  '"Busiest thread" is the SFU thread with the most CPU (a media worker); "capacity" is the forwarded rate',
  "divided by that thread's share of a core, i.e. what it would forward at 100 % on a core of its own. RSS",
  "per session is the growth of the SFU process's resident memory over its idle baseline, divided by the",
  'sessions; with few sessions it is within the noise of the measurement. At 50 pkt/s per talker, fixed',
  "per-session costs (werift's RTCP, consent and timers, about 0.35 ms of CPU per second each) dominate.",
];

function productSection(product: ProductResult[], r: RunResults): string[] {
  return [
    '## The product (rtcd + host + Calls plugin, users simulated by lt)',
    '',
    'Each case starts a fresh rtcd (1 or 2 media workers), a host with the Calls plugin offloading media to it',
    '(SQLite, loopback) and lt in a process of its own: users log in, join through the host WebSocket and the',
    "Calls protocol, and send the speech (about 80 kbps) and screen (VP8, about 1.6 Mbps) samples. rtcd's figures",
    "come from its `/metrics` (`process_cpu_seconds_total`, `process_resident_memory_bytes`, RTP counters) over lt's",
    "steady window; the users' from what they received. CPU avg is rtcd's share of the machine's cores, as the",
    "reference's table gives it for the whole instance; lt, the host and the plugin run on the same cores.",
    '',
    baselineTable(product, r.info.cpu),
    '',
    productDetail(product),
    '',
  ];
}

function yardstickSection(y: YardstickRun): string[] {
  const out = [
    '## Yardstick: our SFU vs pion',
    '',
    'The pion anchor (`shared/anchors/pion`): `pion-sfu`, a minimal audio SFU on pion v3 forwarding as the',
    "reference does, and our SFU behind the same harness protocol (`bench/pion-harness/main.ts`: the SFU library's",
    'shared ICE port, SRTP and fast forwarding path in one thread), each driven by the same `pion-load` (1 publisher',
    '→ N subscribers, 160-byte Opus-typed payloads, no header extensions). Figures are pion-load\'s: ingest × N per',
    'CPU-second of the SFU process (user + sys of every thread over the window), and what the subscribers',
    'received per CPU-second; a figure counts when delivery is about 1.0 (below saturation). "Other load" is',
    "the rest of the machine's CPU over the window (% of a core): well above zero, the pinned SFU shared its core.",
    `${y.pinned ? 'The SFU runs pinned to core 0 and the generator to core 1 (`taskset`).' : 'NOT pinned (one core, or no `taskset`): SFU and generator share the cores.'} ${y.anchor}.`,
    '',
  ];
  if (!y.available) {
    out.push(`**No yardstick figures in this run: ${y.anchor}.** Cases not measured: ${y.notMeasured.join(', ')}.`, '');
    return out;
  }
  out.push(yardstickTable(y), '');
  return out;
}

function targets(r: RunResults): string[] {
  const met = (ok: boolean) => (ok ? 'met' : 'not met');
  const out = ['## Targets (measured, not asserted)', ''];
  const fast = r.cases.filter((c) => c.scenario === 'fanout' && c.mediaPath === 'fast');
  if (fast.length) {
    const best = fast.reduce((m, c) => Math.max(m, c.forwardedPerCpuSecond), 0);
    out.push(`- ≥ 60k forwarded voice packets per CPU-second with browser header extensions: best fast-path fan-out case **${k(best)}** (${met(best >= 60_000)}).`);
  }
  const ratios = (m: Ratio['metric'], f: (x: Ratio) => boolean) => r.ratios.filter((x) => x.metric === m && f(x));
  const yById = new Map((r.yardstick?.cases ?? []).map((c) => [c.id, c]));
  const valid = (x: Ratio) => [x.numerator, x.denominator].every((id) => {
    const c = yById.get(id);
    return c !== undefined && yardstickValid(c);
  });
  const harness = ratios('deliveredPerCoreSecond', () => true);
  if (harness.length) {
    const list = harness.map((x) => `${x.what.replace(/^our SFU \/ pion, /, '').replace(/ \(.*\)$/, '')}: ${x.value.toFixed(2)}×${valid(x) ? '' : ' (not valid: delivery < 0.99)'}`).join('; ');
    const counted = harness.filter(valid);
    out.push(`- our / pion ≥ 1.0 in the harness (delivered packets per CPU-second): ${list} (${counted.length ? met(counted.every((x) => x.value >= 1)) : 'no valid pair'}).`);
  } else if (r.yardstick && !r.yardstick.available) {
    out.push(`- our / pion ≥ 1.0: not measured (${r.yardstick.anchor}).`);
  }
  const cpus = r.info.cores;
  for (const x of ratios('capacityPerSecond', (x) => x.numerator.endsWith('-fast') || x.numerator.startsWith('product-'))) {
    out.push(`- 2 workers ≥ 1.8× one (${x.what.replace(/^2 workers \/ 1 worker /, '').replace(/, capacity.*$/, '')}): capacity **${x.value.toFixed(2)}×** (${met(x.value >= 1.8)}). Capacity = forwarded pkt/s per core of the busiest media thread; the delivered rate cannot show it here: the load generator shares the machine's ${cpus} cores.`);
  }
  const product = r.product ?? [];
  const belowSat = [...r.cases.filter((c) => c.mediaPath === 'fast').map((c) => ({ id: c.id, d: c.deliveryRatio })), ...product.map((p) => ({ id: p.id, d: p.voiceDelivery })), ...(r.yardstick?.cases ?? []).filter((c) => c.sfu === 'ours' && !c.saturating).map((c) => ({ id: c.id, d: c.deliveryRatio }))];
  if (belowSat.length) {
    const worst = belowSat.reduce((m, x) => (x.d < m.d ? x : m));
    out.push(`- delivery 1.00 below saturation (fast path, product voice, our harness SFU): lowest **${num(worst.d, 3)}** (${worst.id}) (${met(worst.d >= 0.995)}).`);
  }
  const writes = [...r.cases.filter((c) => c.mediaPath === 'fast'), ...product].map((c) => c.forwardWriteP99BoundMs).filter((v): v is number => typeof v === 'number');
  if (writes.length) {
    const worst = Math.max(...writes);
    out.push(`- p99 forwarding delay < 2 ms: the SFU's own time to hand an ingest packet to all its receivers (\`rtp_tracks_writes_time\`, fast path and product cases), 99th percentile at most **${worst} ms** (bucket bound) (${met(worst <= 2)}).`);
  }
  if (product.length) {
    const p99 = Math.max(...product.map((p) => p.delayP99Ms));
    out.push(`  End to end, lt's users saw a one-way delay p99 of at most **${num(p99, 1)} ms** (talker → rtcd → listener, werift clients sharing this machine's cores with rtcd, host and plugin).`);
    const rss = Math.max(...product.map((p) => p.rssPerSessionMB));
    out.push(`- ≤ 0.5 MB per session: highest rtcd RSS growth per session **${kib(rss)}** (${met(rss <= 0.5)}).`);
    const j2a = Math.max(...product.map((p) => p.joinToFirstAudioP99Ms));
    out.push(`- join-to-first-audio < 1 s: highest p99 **${num(j2a, 0)} ms** (${met(j2a < 1000)}).`);
  }
  out.push('');
  return out;
}

export function summaryMarkdown(r: RunResults, titles: Map<string, string>, notes?: string): string {
  const i = r.info;
  const lines = [
    '# Calls benchmark: our baseline',
    '',
    `Run ${i.startedAt} (commit ${i.commit}), Node ${i.node}, ${i.cores} × ${i.cpu}; ${i.warmupSeconds} s warm-up, ${i.windowSeconds} s measured per SFU case${i.repeat > 1 ? `, median of ${i.repeat} runs` : ''}${i.quick ? ' (quick run)' : ''}. Raw figures: \`latest.json\`; \`npm run bench\` writes this page.`,
    '',
  ];
  if (r.product?.length) lines.push(...productSection(r.product, r));
  if (r.yardstick) lines.push(...yardstickSection(r.yardstick));
  const scenarios = [...new Set(r.cases.map((c) => c.scenario))];
  if (scenarios.length) {
    lines.push('## The SFU library alone', '', ...SFU_PREAMBLE, '');
    for (const s of scenarios) lines.push(`### ${titles.get(s) ?? s}`, '', sfuTable(r.cases.filter((c) => c.scenario === s)), '');
  }
  if (r.ratios.length) {
    lines.push('## Ratios', '', table(['comparison', 'value'], r.ratios.map((x) => [x.what, `**${x.value.toFixed(2)}×**`])), '');
  }
  lines.push(...targets(r));
  if (r.failures?.length) {
    lines.push('## Cases that failed', '', ...r.failures.map((f) => `- \`${f.id}\`: ${f.error.split('\n')[0]}`), '');
  }
  if (notes) lines.push(notes.trim(), '');
  return lines.join('\n');
}

// Summarises a V8 .cpuprofile (from `--cpu-prof`, e.g. `npm run bench -- --profile <dir>`): self time per
// function and per file, heaviest first.
//
//   node --import tsx rtcd/bench/profile-top.ts <file.cpuprofile> [--top 40] [--busiest 6 | --range 10,18]
//
// `--busiest S` keeps only the S consecutive seconds with the most non-idle samples (the measured window of
// a benchmark case, without setup and teardown); `--range A,B` keeps seconds A..B; a per-second busy
// timeline is printed first.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file) {
  console.error('usage: profile-top.ts <file.cpuprofile> [--top N]');
  process.exit(1);
}
const topIdx = process.argv.indexOf('--top');
const top = topIdx > 0 ? Number(process.argv[topIdx + 1]) : 40;
const busiestIdx = process.argv.indexOf('--busiest');
const busiest = busiestIdx > 0 ? Number(process.argv[busiestIdx + 1]) : 0;
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
// Sample times (µs from the start) and a per-second busy timeline.
const at: number[] = [];
let t = 0;
for (const d of p.timeDeltas) at.push((t += d));
const seconds = Math.ceil(t / 1e6) + 1;
const busy = new Array<number>(seconds).fill(0);
for (let i = 0; i < p.samples.length; i++) if (!idle.has(p.samples[i]!)) busy[Math.floor(at[i]! / 1e6)]! += p.timeDeltas[i] ?? 0;
console.log(`busy per second (%): ${busy.map((b) => Math.round(b / 1e4)).join(' ')}`);
let from = 0;
let to = Infinity;
const rangeIdx = process.argv.indexOf('--range');
if (rangeIdx > 0) {
  const [a, b] = process.argv[rangeIdx + 1]!.split(',').map(Number);
  from = a! * 1e6;
  to = b! * 1e6;
} else if (busiest > 0) {
  let best = -1;
  for (let s = 0; s + busiest <= seconds; s++) {
    const sum = busy.slice(s, s + busiest).reduce((a, b) => a + b, 0);
    if (sum > best) {
      best = sum;
      from = s * 1e6;
    }
  }
  to = from + busiest * 1e6;
  console.log(`window: seconds ${from / 1e6}..${to / 1e6}`);
}
const self = new Map<number, number>();
for (let i = 0; i < p.samples.length; i++) {
  if (at[i]! < from || at[i]! >= to) continue;
  self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map<string, number>();
const files = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const url = n.callFrame.url.replace(/^.*\/(node_modules\/|rtcd\/src\/)/, '$1') || '(native)';
  const key = `${n.callFrame.functionName || '(anonymous)'}  ${url}:${n.callFrame.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  files.set(url, (files.get(url) ?? 0) + us);
}
const pct = (v: number) => `${((100 * v) / total).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled, ${((p.endTime - p.startTime) / 1e6).toFixed(2)} s wall`);
console.log('\n-- self time by function --');
for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
console.log('\n-- self time by file --');
for (const [k, v] of [...files].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${pct(v)}  ${k}`);

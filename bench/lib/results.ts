// Benchmark results: the raw cases as JSON (`bench/results/<timestamp>.json`, and `latest.json`) and a
// markdown summary (`bench/results/summary.md`, "our baseline", rendered by summary.ts), with the ratios
// derived here: fast path / werift path, 2 workers / 1 worker (SFU level and product), our SFU / pion.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { CaseResult } from './measure.js';
import type { YardstickResult } from './pion.js';
import type { ProductResult } from './product.js';
import { summaryMarkdown } from './summary.js';

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

export interface YardstickRun {
  /** Where the pion anchor came from, or why it is not available. */
  anchor: string;
  available: boolean;
  /** SFU on core 0, generator on core 1 (taskset); false on a 1-core machine or without taskset. */
  pinned: boolean;
  cases: YardstickResult[];
  /** Cases planned but not measured because the anchor is not available. */
  notMeasured: string[];
}

export interface CaseFailure {
  id: string;
  error: string;
}

export interface RunResults {
  info: RunInfo;
  /** SFU-level cases (fanout, workers). */
  cases: CaseResult[];
  product?: ProductResult[];
  yardstick?: YardstickRun;
  ratios: Ratio[];
  failures?: CaseFailure[];
}

export interface Ratio {
  what: string;
  numerator: string;
  denominator: string;
  metric: 'forwardedPerCpuSecond' | 'forwardedPerSecond' | 'capacityPerSecond' | 'forwardedPerCoreSecond' | 'deliveredPerCoreSecond';
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

const round2 = (v: number) => Math.round(v * 100) / 100;

function ratio(what: string, num: { id: string }, den: { id: string }, metric: Ratio['metric'], a: number, b: number): Ratio {
  return { what, numerator: num.id, denominator: den.id, metric, value: round2(a / Math.max(1, b)) };
}

/** Ratios between cases that differ in one dimension only (media path; worker count; SFU under the harness). */
export function deriveRatios(cases: CaseResult[], product: ProductResult[] = [], yardstick: YardstickResult[] = []): Ratio[] {
  const out: Ratio[] = [];
  const byId = new Map(cases.map((c) => [c.id, c]));
  for (const c of cases) {
    if (c.mediaPath === 'fast') {
      const before = byId.get(c.id.replace(/-fast$/, '-werift'));
      if (before) {
        out.push(ratio(`fast / werift path, ${c.label} (forwarded pkt per CPU-s)`, c, before, 'forwardedPerCpuSecond', c.forwardedPerCpuSecond, before.forwardedPerCpuSecond));
      }
    }
    if (c.workers === 2) {
      const one = byId.get(c.id.replace(/-w2-/, '-w1-'));
      if (one) {
        out.push(
          ratio(`2 workers / 1 worker (${c.mediaPath} path), capacity (forwarded pkt/s per core of the busiest thread)`, c, one, 'capacityPerSecond', c.capacityPerSecond, one.capacityPerSecond),
          ratio(`2 workers / 1 worker (${c.mediaPath} path), delivered pkt/s (bounded by this machine)`, c, one, 'forwardedPerSecond', c.forwardedPerSecond, one.forwardedPerSecond),
        );
      }
    }
  }
  const productById = new Map(product.map((p) => [p.id, p]));
  for (const p of product) {
    const one = p.workers === 2 ? productById.get(p.id.replace(/-w2$/, '-w1')) : undefined;
    if (one && p.capacityPerSecond > 0 && one.capacityPerSecond > 0) {
      out.push(ratio(`2 workers / 1 worker (product), ${p.label}, capacity (forwarded pkt/s per core of the busiest rtcd thread)`, p, one, 'capacityPerSecond', p.capacityPerSecond, one.capacityPerSecond));
    }
  }
  const yById = new Map(yardstick.map((y) => [y.id, y]));
  for (const ours of yardstick) {
    const pion = ours.sfu === 'ours' ? yById.get(ours.id.replace(/-ours$/, '-pion')) : undefined;
    if (!pion) continue;
    out.push(
      ratio(`our SFU / pion, ${ours.label} (forwarded pkt per CPU-s, pion-load's figure)`, ours, pion, 'forwardedPerCoreSecond', ours.forwardedPerCoreSecond, pion.forwardedPerCoreSecond),
      ratio(`our SFU / pion, ${ours.label} (delivered pkt per CPU-s)`, ours, pion, 'deliveredPerCoreSecond', ours.deliveredPerCoreSecond, pion.deliveredPerCoreSecond),
    );
  }
  return out;
}

export function writeResults(dir: string, r: RunResults, titles: Map<string, string>, notes?: string): { json: string; summary: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = r.info.startedAt.replace(/[:.]/g, '-');
  const json = join(dir, `${stamp}.json`);
  const text = JSON.stringify(r, null, 2);
  writeFileSync(json, text);
  writeFileSync(join(dir, 'latest.json'), text);
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, summaryMarkdown(r, titles, notes));
  return { json, summary };
}

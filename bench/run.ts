// `npm run bench`: the Calls benchmark. Runs each scenario's cases (bench/scenarios), prints one line per
// case, and writes bench/results/<timestamp>.json, latest.json and summary.md ("our baseline").
//
//   npm run build && npm run bench                 every scenario (the product cases run the built dist/)
//   npm run bench -- --only pion,product           some scenarios (fanout, workers, pion, product), or case id
//                                                  fragments: --only n100-500pps
//   npm run bench -- --quick                       fewer, shorter cases
//   npm run bench -- --window 10 --warmup 3        seconds measured / warm-up per SFU and yardstick case
//                                                  (product cases measure lt's steady window: 20 s, quick 8 s)
//   npm run bench -- --repeat 3                    run each case 3 times, keep the median (by forwarded
//                                                  packets per CPU-second): the machine's other load varies
//   npm run bench -- --profile <dir>               the SFU process (rtcd in product cases, our harness SFU in
//                                                  yardstick cases) writes --cpu-prof profiles to <dir>/<case>/
//   npm run bench -- --inline                      one-worker SFU cases run the engine in the SFU's main thread
//                                                  (what --profile sees; rtcd/bench/profile-top.ts reads it)
//   npm run bench -- --out <dir>                   results elsewhere than bench/results
//   npm run bench -- --summary-only                rewrite summary.md from <out>/latest.json (no run)
//
// Every measured process is a child of its own: the SFU (rtcd/test/helpers/sfu-process.ts) and the load
// generator (bench/load/loadgen.ts); rtcd, host and lt (product); pion-sfu or our harness SFU, and pion-load
// (yardstick). This process only relays signaling between the first two and measures.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureCase, type CaseResult } from './lib/measure.js';
import { canPin, ensureAnchor, measureYardstickCase, type Anchor, type YardstickResult } from './lib/pion.js';
import { measureProductCase, productUnavailable, type ProductResult } from './lib/product.js';
import { deriveRatios, runInfo, writeResults, type CaseFailure, type RunResults, type YardstickRun } from './lib/results.js';
import { baselineTable, summaryMarkdown } from './lib/summary.js';
import { updateBaselineDoc } from './lib/docs.js';
import { SCENARIOS, type Scenario, type ScenarioOptions } from './scenarios/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
const log = (line: string) => console.log(line);

const DEFAULT_OUT = fileURLToPath(new URL('./results', import.meta.url));
const DOC = fileURLToPath(new URL('../docs/monitoring.md', import.meta.url));
/** Hand-written notes appended to summary.md (before/after figures of hot-spot fixes). */
const NOTES_FILE = fileURLToPath(new URL('./results/hot-spots.md', import.meta.url));

/** The cases of a scenario that --only selects (a scenario name, or a fragment of a case id). */
function pick<S extends { id: string }>(s: { name: string; cases(o: ScenarioOptions): S[] }, opts: ScenarioOptions, only: string[] | undefined): S[] {
  return s.cases(opts).filter((c) => !only || only.some((o) => o === s.name || c.id.includes(o)));
}

/** Runs a case `repeat` times and keeps the median by its headline figure (with every run's figure). */
async function median<R>(repeat: number, run: () => Promise<R>, headline: (r: R) => number): Promise<R> {
  const runs: R[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await run());
  runs.sort((a, b) => headline(a) - headline(b));
  const mid = runs[Math.floor(runs.length / 2)]!;
  return repeat > 1 ? { ...mid, repeats: runs.length, spread: runs.map(headline) } : mid;
}

async function main(): Promise<void> {
  const quick = flag('quick');
  const only = arg('only')?.split(',').filter(Boolean);
  const windowSeconds = Number(arg('window') ?? (quick ? 5 : 10));
  const warmupSeconds = Number(arg('warmup') ?? (quick ? 2 : 3));
  const profileDir = arg('profile') ? resolve(arg('profile')!) : undefined;
  const repeat = Math.max(1, Number(arg('repeat') ?? 1));
  const outDir = resolve(arg('out') ?? DEFAULT_OUT);
  const notes = existsSync(NOTES_FILE) ? readFileSync(NOTES_FILE, 'utf8') : undefined;
  const startedAt = new Date();
  const titles = new Map(SCENARIOS.map((s) => [s.name, s.title]));
  if (flag('summary-only')) {
    const last = JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')) as RunResults;
    writeFileSync(join(outDir, 'summary.md'), summaryMarkdown(last, titles, notes));
    log(`bench: ${join(outDir, 'summary.md')} rewritten from latest.json`);
    return;
  }

  const opts: ScenarioOptions = { quick };
  const planned = SCENARIOS.reduce((n, s: Scenario) => n + pick<{ id: string }>(s, opts, only).length, 0);
  if (!planned) {
    console.error(`bench: no case matches ${only?.join(',')} (scenarios: ${SCENARIOS.map((s) => s.name).join(', ')})`);
    process.exit(1);
  }
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const cpuProf = (id: string) => (profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, id)}`] : undefined);
  log(`bench: ${planned} case(s); SFU and yardstick cases ${warmupSeconds} s warm-up + ${windowSeconds} s each; node ${process.version}`);

  const cases: CaseResult[] = [];
  const product: ProductResult[] = [];
  let yardstick: YardstickRun | undefined;
  let anchor: Anchor | undefined;
  const failures: CaseFailure[] = [];
  const attempt = async (id: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      console.error(`${id}: failed: ${err instanceof Error ? err.stack : String(err)}`);
      failures.push({ id, error: err instanceof Error ? err.message : String(err) });
    }
  };

  for (const s of SCENARIOS) {
    switch (s.kind) {
      case 'sfu':
        for (const spec of pick(s, opts, only)) {
          await attempt(spec.id, async () => {
            const r = await median(
              repeat,
              () => measureCase(spec, { warmupSeconds, windowSeconds, sfuExecArgv: cpuProf(spec.id), inline: flag('inline'), log }),
              (x) => x.forwardedPerCpuSecond,
            );
            cases.push(r);
            log(
              `${r.id.padEnd(44)} ${String(r.forwardedPerSecond).padStart(7)} fwd/s  CPU ${r.cpuCores.toFixed(2)} cores  ` +
                `${String(r.forwardedPerCpuSecond).padStart(7)} fwd per CPU-s  ${r.cpuMicrosPerPacket.toFixed(1).padStart(5)} µs/pkt  ` +
                `busiest thread ${r.busiestThreadCores.toFixed(2)} → capacity ${r.capacityPerSecond} fwd/s  ` +
                `delivery ${r.deliveryRatio.toFixed(3)}  RSS ${(r.rssPerSessionMB * 1024).toFixed(0)} KiB/session`,
            );
          });
        }
        break;
      case 'yardstick': {
        const specs = pick(s, opts, only);
        if (!specs.length) break;
        anchor ??= ensureAnchor(log);
        const y: YardstickRun = (yardstick = { anchor: anchor.note, available: anchor.available, pinned: canPin(), cases: [], notMeasured: [] });
        if (!anchor.available) {
          y.notMeasured = specs.map((c) => c.id);
          log(`bench: yardstick NOT measured (${specs.length} cases): ${anchor.note}`);
          break;
        }
        const a = anchor;
        for (const spec of specs) {
          await attempt(spec.id, async () => {
            const execArgv = spec.sfu === 'ours' ? cpuProf(spec.id) : undefined;
            const r: YardstickResult = await median(
              repeat,
              () => measureYardstickCase(spec, a, { warm: warmupSeconds, secs: windowSeconds, execArgv }),
              (x) => x.forwardedPerCoreSecond,
            );
            y.cases.push(r);
            log(
              `${r.id.padEnd(44)} ${String(Math.round(r.ingestPps * r.n)).padStart(7)} fwd/s  SFU CPU ${r.cpuPercent}%  ` +
                `${String(r.forwardedPerCoreSecond).padStart(7)} fwd per CPU-s  ${r.usPerForwardedPacket} µs/pkt  ` +
                `delivered ${r.deliveredPerCoreSecond} per CPU-s  delivery ${r.deliveryRatio.toFixed(3)}  generator CPU ${r.loadCpuPercent}%  other load ${r.otherLoadPercent}%  RSS ${r.rssMB} MB`,
            );
          });
        }
        break;
      }
      case 'product': {
        const specs = pick(s, opts, only);
        const missing = specs.length ? productUnavailable() : undefined;
        for (const spec of specs) {
          await attempt(spec.id, async () => {
            if (missing) throw new Error(missing);
            const r = await median(repeat, () => measureProductCase(spec, log, cpuProf(spec.id)), (x) => x.forwardedPerCpuSecond);
            product.push(r);
          });
        }
        break;
      }
    }
  }

  const run: RunResults = {
    info: runInfo(startedAt, { warmupSeconds, windowSeconds, quick, repeat }),
    cases,
    ...(product.length || failures.some((f) => f.id.startsWith('product-')) ? { product } : {}),
    ...(yardstick ? { yardstick } : {}),
    ratios: deriveRatios(cases, product, yardstick?.cases),
    ...(failures.length ? { failures } : {}),
  };
  for (const x of run.ratios) log(`${x.what}: ${x.value.toFixed(2)}×`);
  const files = writeResults(outDir, run, titles, notes);
  // A full run into bench/results is the baseline: docs/monitoring.md shows its product table.
  if (!quick && product.length && outDir === DEFAULT_OUT) {
    const caption = `Measured ${run.info.startedAt.slice(0, 10)} (commit ${run.info.commit}) on ${run.info.cores} × ${run.info.cpu}, rtcd sharing the machine with the host, the plugin and lt; details in [our baseline](../bench/results/summary.md).`;
    if (updateBaselineDoc(DOC, `${caption}\n\n${baselineTable(product, run.info.cpu)}`)) log(`bench: ${DOC} "Performance baseline" table updated`);
  }
  const minutes = (Date.now() - startedAt.getTime()) / 60_000;
  log(`bench: ${planned - failures.length}/${planned} case(s) in ${minutes.toFixed(1)} min; results in ${files.json}, summary in ${files.summary}`);
  if (failures.length) process.exitCode = 1;
}

void main();

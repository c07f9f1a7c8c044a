// `npm run bench`: the SFU media-path benchmark. Runs each scenario's cases (bench/scenarios), prints one
// line per case, and writes bench/results/<timestamp>.json, latest.json and summary.md.
//
//   npm run bench                                  every scenario
//   npm run bench -- --only fanout                 one scenario (or a case id fragment: --only n100-500pps)
//   npm run bench -- --quick                       fewer, shorter cases
//   npm run bench -- --window 10 --warmup 3        seconds measured / warm-up per case
//   npm run bench -- --repeat 3                    run each case 3 times, keep the median (by forwarded
//                                                  packets per CPU-second): the machine's other load varies
//   npm run bench -- --profile <dir>               the SFU process writes --cpu-prof profiles to <dir>/<case>/
//   npm run bench -- --inline                      one-worker cases run the engine in the SFU's main thread
//                                                  (what --profile sees; rtcd/bench/profile-top.ts reads it)
//   npm run bench -- --out <dir>                   results elsewhere than bench/results
//   npm run bench -- --summary-only                rewrite summary.md from <out>/latest.json (no run)
//
// The SFU runs in a child process (rtcd/test/helpers/sfu-process.ts), the load generator in another
// (bench/load/loadgen.ts); this process only relays signaling between them and measures.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureCase, type CaseResult } from './lib/measure.js';
import { deriveRatios, runInfo, summaryMarkdown, writeResults, type RunResults } from './lib/results.js';
import { SCENARIOS } from './scenarios/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

async function main(): Promise<void> {
  const quick = flag('quick');
  const only = arg('only');
  const windowSeconds = Number(arg('window') ?? (quick ? 5 : 10));
  const warmupSeconds = Number(arg('warmup') ?? (quick ? 2 : 3));
  const profileDir = arg('profile');
  const repeat = Math.max(1, Number(arg('repeat') ?? 1));
  const outDir = resolve(arg('out') ?? fileURLToPath(new URL('./results', import.meta.url)));
  const startedAt = new Date();
  const titles = new Map(SCENARIOS.map((s) => [s.name, s.title]));
  if (flag('summary-only')) {
    const last = JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')) as RunResults;
    writeFileSync(join(outDir, 'summary.md'), summaryMarkdown(last, titles));
    console.log(`bench: ${join(outDir, 'summary.md')} rewritten from latest.json`);
    return;
  }

  const cases = SCENARIOS.flatMap((s) => s.cases({ quick })).filter((c) => !only || c.scenario === only || c.id.includes(only));
  if (!cases.length) {
    console.error(`bench: no case matches ${only}`);
    process.exit(1);
  }
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  console.log(`bench: ${cases.length} case(s), ${warmupSeconds} s warm-up + ${windowSeconds} s each, node ${process.version}`);
  const results: CaseResult[] = [];
  for (const spec of cases) {
    // One directory per case: every thread of the SFU process (module-hook thread included) writes its own.
    const sfuExecArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir, spec.id)}`] : undefined;
    try {
      const runs: CaseResult[] = [];
      for (let i = 0; i < repeat; i++) {
        runs.push(await measureCase(spec, { warmupSeconds, windowSeconds, sfuExecArgv, inline: flag('inline'), log: (l) => console.log(l) }));
      }
      runs.sort((a, b) => a.forwardedPerCpuSecond - b.forwardedPerCpuSecond);
      const r = { ...runs[Math.floor(runs.length / 2)]!, repeats: runs.length, spread: runs.map((x) => x.forwardedPerCpuSecond) };
      results.push(r);
      console.log(
        `${r.id.padEnd(44)} ${String(r.forwardedPerSecond).padStart(7)} fwd/s  CPU ${r.cpuCores.toFixed(2)} cores  ` +
          `${String(r.forwardedPerCpuSecond).padStart(7)} fwd per CPU-s  ${r.cpuMicrosPerPacket.toFixed(1).padStart(5)} µs/pkt  ` +
          `busiest thread ${r.busiestThreadCores.toFixed(2)} → capacity ${r.capacityPerSecond} fwd/s  ` +
          `delivery ${r.deliveryRatio.toFixed(3)}  RSS ${(r.rssPerSessionMB * 1024).toFixed(0)} KiB/session`,
      );
    } catch (err) {
      console.error(`${spec.id}: failed: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }
  const run = {
    info: runInfo(startedAt, { warmupSeconds, windowSeconds, quick, repeat }),
    cases: results,
    ratios: deriveRatios(results),
  };
  for (const x of run.ratios) console.log(`${x.what}: ${x.value.toFixed(2)}×`);
  const files = writeResults(outDir, run, titles);
  console.log(`bench: results in ${files.json}, summary in ${files.summary}`);
  if (results.length < cases.length) process.exitCode = 1;
}

void main();

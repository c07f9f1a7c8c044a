#!/usr/bin/env node
// lt: the Calls load-test agent. `npm run lt -- -calls 2 -users-per-call 10 -unmuted 1 -duration 2m ...`
// (flags: flags.ts, `-help`). Prints the result tables; `--json <file>` writes the results too.
import { writeFileSync } from 'node:fs';
import { LtUsageError, parseFlags } from './flags.js';
import { Progress } from './progress.js';

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = parseFlags(process.argv.slice(2));
  } catch (err) {
    if (err instanceof LtUsageError) {
      (err.help ? process.stdout : process.stderr).write(`${err.message}\n`);
      process.exit(err.help ? 0 : 2);
    }
    throw err;
  }
  // Loaded once the flags are good: WebRTC and media take a moment to load, a usage error should not wait.
  const { RunInterrupted, runLoadTest } = await import('./run.js');
  const { formatResults } = await import('./results.js');
  const progress = new Progress(cfg.progress);
  const stop = new AbortController();
  process.on('SIGINT', () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
    process.stderr.write('\nlt: interrupted, leaving the calls (again to quit at once)\n');
  });
  let results;
  try {
    results = await runLoadTest(cfg, { progress, log: (l) => process.stderr.write(`${l}\n`), signal: stop.signal });
  } catch (err) {
    if (err instanceof RunInterrupted) process.exit(130);
    throw err;
  }
  const json = JSON.stringify({ config: { ...cfg, adminPassword: undefined, userPassword: undefined }, results }, null, 2);
  (cfg.json === '-' ? process.stderr : process.stdout).write(`${formatResults(results)}\n`);
  if (cfg.json === '-') process.stdout.write(`${json}\n`);
  else if (cfg.json) writeFileSync(cfg.json, `${json}\n`);
  // werift keeps timers after its peers closed; the run is over.
  process.exit(results.users.joined > 0 ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`lt: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

#!/usr/bin/env node
// lt: the Calls load-test agent. `npm run lt -- -calls 2 -users-per-call 10 -unmuted 1 -duration 2m ...`
// (flags: flags.ts, `-help`). Prints the result tables; `--json <file>` writes the results too.
import { writeFileSync } from 'node:fs';
import { LtUsageError, parseFlags } from './flags.js';
import { Progress } from './progress.js';
import { formatResults } from './results.js';
import { runLoadTest } from './run.js';

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = parseFlags(process.argv.slice(2));
  } catch (err) {
    if (err instanceof LtUsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const progress = new Progress(cfg.progress);
  let stopping = false;
  process.on('SIGINT', () => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write('\nlt: interrupted (again to quit at once)\n');
    process.exit(130);
  });
  const results = await runLoadTest(cfg, { progress, log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${formatResults(results)}\n`);
  if (cfg.json) writeFileSync(cfg.json, JSON.stringify({ config: { ...cfg, adminPassword: undefined, userPassword: undefined }, results }, null, 2));
  // werift keeps timers after its peers closed; the run is over.
  process.exit(results.users.joined > 0 ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`lt: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

#!/usr/bin/env node
// `npm start`: the host with its defaults (SQLite under ./data, :8065, metrics on :8067, the Calls
// plugin from the repository root), configured by MM_* environment variables and MM_CONFIG.
import { ConfigError, optionsFromEnv } from './config.js';
import { startHost } from './server.js';

async function main(): Promise<void> {
  let options;
  try {
    options = optionsFromEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const host = await startHost(options);
  // The JSON log says the same; in a terminal, also say it plainly.
  if (process.stderr.isTTY) {
    process.stderr.write(
      `\n  Calls is running at ${host.url}\n` +
        `  Sign up there: the first account becomes the system admin. Start a call from any channel's header.\n` +
        `  Metrics: ${host.metricsUrl}/metrics    Stop: Ctrl+C\n\n`,
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    host.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    void host.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`host failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});

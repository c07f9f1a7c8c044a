#!/usr/bin/env node
// rtcd entry point: `rtcd [-config <path>]` (default config/config.toml). Invalid configuration prints one
// line and exits 2. SIGTERM/SIGINT drain sessions (rtc.drain_timeout_seconds) and exit 0; a second signal
// stops at once. SIGHUP reopens the log file.
import { ConfigError, loadConfig } from './config/index.js';
import { createLogger } from './logger/index.js';
import { createRtcSfu } from './service/rtc-sfu.js';
import { RtcdService } from './service/rtcd-service.js';
import { getVersionInfo } from './system/version.js';

function configPath(argv: string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--?config(?:=(.*))?$/.exec(a);
    if (m) return m[1] ?? argv[++i] ?? '';
    if (a === '-h' || a === '--help') {
      process.stdout.write('usage: rtcd [-config <path>]   (default config/config.toml; RTCD_* env overrides, see README)\n');
      process.exit(0);
    }
    process.stderr.write(`rtcd: unknown argument ${a}\n`);
    process.exit(2);
  }
  return 'config/config.toml';
}

async function main(): Promise<void> {
  const path = configPath(process.argv.slice(2));
  let loaded;
  try {
    loaded = loadConfig({ path });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`rtcd: invalid configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { config, notices } = loaded;
  const { logger, reopen, flush } = createLogger(config.logger);
  for (const n of notices) logger.warn(n);
  logger.info(getVersionInfo(), 'rtcd: starting up');

  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    flush();
    process.exit(1);
  });

  const service = new RtcdService({ config, logger, createSfu: (registry, log) => createRtcSfu(config, registry, log) });
  try {
    await service.start();
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'rtcd: failed to start');
    flush();
    process.exit(1);
  }

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: stopping now');
      void service.stop().finally(() => process.exit(0));
      return;
    }
    stopping = true;
    logger.info({ signal }, 'rtcd: draining');
    void (async () => {
      await service.drain();
      await service.stop();
      logger.info('rtcd: stopped');
      flush();
      process.exit(0);
    })();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', () => reopen());
}

void main();

// The plugin process logs structured JSON on stdout, which the host forwards with its own output.
// MM_CALLS_LOG_LEVEL (ours) sets the level; info by default.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(pluginId: string, level = process.env.MM_CALLS_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { plugin_id: pluginId, pid: process.pid } });
}

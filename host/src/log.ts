import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (pino). Child loggers carry the component: `log.child({ mod: 'ws' })`. */
export function createLogger(level: LevelWithSilent = 'info'): Logger {
  return pino({ level, base: { svc: 'host' }, timestamp: pino.stdTimeFunctions.isoTime });
}

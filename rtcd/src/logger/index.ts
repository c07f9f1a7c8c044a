// Structured logs with pino, to the console and/or a file as the reference `logger.*` keys say. The console
// can be JSON or one human line per record (optionally coloured); the file is JSON or the same lines.
import { Writable } from 'node:stream';
import { pino, type Logger, type DestinationStream, type StreamEntry, type Level } from 'pino';
import type { RtcdConfig } from '../config/types.js';

export type { Logger };

const COLORS: Record<string, string> = { trace: '90', debug: '36', info: '32', warn: '33', error: '31', fatal: '35' };
const OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** One `2024-01-01T00:00:00.000Z info  message key=value` line per JSON record. */
function lineStream(out: { write(s: string | Buffer): unknown }, color: boolean): DestinationStream {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(chunk.toString()) as Record<string, unknown>;
      } catch {
        out.write(chunk);
        cb();
        return;
      }
      const level = pino.levels.labels[rec.level as number] ?? String(rec.level);
      const lvl = color ? `\x1b[${COLORS[level] ?? '0'}m${level.padEnd(5)}\x1b[0m` : level.padEnd(5);
      const fields = Object.entries(rec)
        .filter(([k]) => !OMIT.has(k))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(' ');
      const time = typeof rec.time === 'number' ? new Date(rec.time).toISOString() : '';
      out.write(`${time} ${lvl} ${String(rec.msg ?? '')}${fields ? ' ' + fields : ''}\n`);
      cb();
    },
  }) as unknown as DestinationStream;
}

export interface RtcdLogger {
  logger: Logger;
  /** Reopens the log file (after logrotate moved it). */
  reopen(): void;
  /** Flushes buffered file output. */
  flush(): void;
}

export function createLogger(cfg: RtcdConfig['logger']): RtcdLogger {
  const streams: StreamEntry[] = [];
  let file: ReturnType<typeof pino.destination> | undefined;
  if (cfg.enableConsole) {
    streams.push({ level: cfg.consoleLevel as Level, stream: cfg.consoleJSON ? process.stdout : lineStream(process.stdout, cfg.enableColor) });
  }
  if (cfg.enableFile) {
    // sync writes: a crash or exit must not lose the lines explaining it
    file = pino.destination({ dest: cfg.fileLocation, mkdir: true, sync: true });
    streams.push({ level: cfg.fileLevel as Level, stream: cfg.fileJSON ? file : lineStream(file, false) });
  }
  const min = streams.reduce((m, s) => Math.min(m, pino.levels.values[s.level as string] ?? 30), 100);
  const logger = pino(
    { level: pino.levels.labels[min] ?? 'info', base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.epochTime },
    pino.multistream(streams),
  );
  return {
    logger,
    reopen: () => file?.reopen(),
    flush: () => file?.flushSync(),
  };
}

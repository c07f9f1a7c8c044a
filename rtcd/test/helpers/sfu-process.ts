// An RtcServer in a child process of its own, driven over IPC: for tests that look at the SFU process from
// the outside (its sockets with `ss`, its CPU time and memory) and for the benchmark (SFU and load generator
// must not share a process). The parent side, RemoteSfu, looks like an RtcServer to a ServerLink.
//
//   const sfu = await RemoteSfu.start({ config: { mediaWorkers: 2 } });
//   const link = await ServerLink.create(sfu);   // clients join through it as with an in-process server
//   sfu.pid, await sfu.usage(), await sfu.metricsText(), await sfu.stop()
//
// The child runs this same file (from source through tsx, like the tests).
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import {
  createRtcMetrics,
  RtcServer,
  type MediaPath,
  type RtcMessage,
  type RtcServerConfig,
  type RtcServerEvents,
  type SessionCloseReason,
  type SessionConfig,
} from '@calls-ts/rtcd/rtc';

export interface RemoteSfuOptions {
  config?: Partial<RtcServerConfig>;
  inline?: boolean;
  mediaPath?: MediaPath;
  /** Extra node flags for the child (e.g. `--cpu-prof`). */
  execArgv?: string[];
  logLevel?: string;
}

export interface SfuUsage {
  /** process.cpuUsage() of the SFU process: every thread, in µs. */
  user: number;
  system: number;
  rss: number;
  sessions: number;
  /** CPU seconds of each OS thread of the process (Linux /proc; empty elsewhere), by thread id. */
  threads: Record<string, number>;
}

type ToChild =
  | { t: 'start'; id: number; config: RtcServerConfig; inline: boolean; mediaPath: MediaPath; logLevel: string }
  | { t: 'init'; id: number; cfg: SessionConfig }
  | { t: 'close'; id: number; sessionID: string }
  | { t: 'send'; msg: RtcMessage }
  | { t: 'usage'; id: number }
  | { t: 'metrics'; id: number }
  | { t: 'stop'; id: number };

type FromChild =
  | { t: 'reply'; id: number; ok: boolean; value?: unknown; error?: string }
  | { t: 'message'; msg: RtcMessage }
  | { t: 'closed'; cfg: SessionConfig; reason: SessionCloseReason };

const SELF = fileURLToPath(import.meta.url);

/** Parent side: an RtcServer look-alike (initSession, closeSession, send, `message`/`sessionClosed`). */
export class RemoteSfu extends EventEmitter<RtcServerEvents> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  udpPort = 0;
  tcpPort = 0;

  private constructor(private readonly child: ChildProcess) {
    super();
    child.on('message', (m: FromChild) => this.onMessage(m));
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`SFU process exited (${code})`));
      this.pending.clear();
    });
  }

  static async start(opts: RemoteSfuOptions = {}): Promise<RemoteSfu> {
    const { testRtcConfig } = await import('./server-link.js');
    const child = fork(SELF, ['--sfu-child'], {
      execArgv: [...process.execArgv.filter((a) => !a.startsWith('--test')), ...(opts.execArgv ?? [])],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env },
    });
    const sfu = new RemoteSfu(child);
    const started = (await sfu.request({
      t: 'start',
      id: 0,
      config: testRtcConfig(opts.config),
      inline: opts.inline ?? false,
      mediaPath: opts.mediaPath ?? 'fast',
      logLevel: opts.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent',
    })) as { udpPort: number; tcpPort: number };
    sfu.udpPort = started.udpPort;
    sfu.tcpPort = started.tcpPort;
    return sfu;
  }

  get pid(): number {
    return this.child.pid!;
  }

  private onMessage(m: FromChild): void {
    if (m.t === 'reply') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new Error(m.error));
    } else if (m.t === 'message') {
      // Structured clone hands back a Uint8Array; the SFU's own events carry Buffers.
      if (m.msg.data) m.msg.data = Buffer.from(m.msg.data.buffer, m.msg.data.byteOffset, m.msg.data.byteLength);
      this.emit('message', m.msg);
    } else if (m.t === 'closed') {
      this.emit('sessionClosed', m.cfg, m.reason);
    }
  }

  private request(msg: ToChild): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...msg, id });
    });
  }

  initSession(cfg: SessionConfig): Promise<void> {
    return this.request({ t: 'init', id: 0, cfg }) as Promise<void>;
  }

  closeSession(sessionID: string): Promise<void> {
    return this.request({ t: 'close', id: 0, sessionID }) as Promise<void>;
  }

  send(msg: RtcMessage): boolean {
    this.child.send({ t: 'send', msg } satisfies ToChild);
    return true;
  }

  usage(): Promise<SfuUsage> {
    return this.request({ t: 'usage', id: 0 }) as Promise<SfuUsage>;
  }

  metricsText(): Promise<string> {
    return this.request({ t: 'metrics', id: 0 }) as Promise<string>;
  }

  /** Stops the server and waits for the process to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.request({ t: 'stop', id: 0 }).catch(() => undefined);
    await exited;
  }
}

// ---- child side ---------------------------------------------------------------------------------------

let clockTicks = 0;

/** CPU seconds per thread of this process, from /proc (media workers are threads of it). */
function threadCpu(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    clockTicks ||= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[tid] = (Number(f[11]) + Number(f[12])) / clockTicks; // utime, stime (fields 14, 15)
    }
  } catch {
    // not Linux, or a thread ended while reading
  }
  return out;
}

async function childMain(): Promise<void> {
  let server: RtcServer | undefined;
  const registry = new Registry();
  const send = (m: FromChild) => process.send!(m);
  const reply = (id: number, fn: () => unknown) => {
    Promise.resolve()
      .then(fn)
      .then(
        (value) => send({ t: 'reply', id, ok: true, value }),
        (err: unknown) => send({ t: 'reply', id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  };
  process.on('message', (m: ToChild) => {
    switch (m.t) {
      case 'start':
        reply(m.id, async () => {
          server = new RtcServer(m.config, {
            logger: pino({ level: m.logLevel }),
            metrics: createRtcMetrics(registry, 'rtcd'),
            inline: m.inline,
            mediaPath: m.mediaPath,
          });
          server.on('message', (msg) => send({ t: 'message', msg }));
          server.on('sessionClosed', (cfg, reason) => send({ t: 'closed', cfg, reason }));
          await server.start();
          return { udpPort: server.udpPort, tcpPort: server.tcpPort };
        });
        return;
      case 'init':
        reply(m.id, () => server!.initSession(m.cfg));
        return;
      case 'close':
        reply(m.id, () => server!.closeSession(m.sessionID));
        return;
      case 'send':
        if (m.msg.data) m.msg.data = Buffer.from(m.msg.data.buffer, m.msg.data.byteOffset, m.msg.data.byteLength);
        server?.send(m.msg);
        return;
      case 'usage':
        reply(m.id, () => {
          // With --expose-gc (the benchmark), memory is read after a collection: live memory, not garbage.
          (globalThis as { gc?: () => void }).gc?.();
          const cpu = process.cpuUsage();
          return { user: cpu.user, system: cpu.system, rss: process.memoryUsage().rss, sessions: server?.sessionCount ?? 0, threads: threadCpu() };
        });
        return;
      case 'metrics':
        reply(m.id, () => registry.metrics());
        return;
      case 'stop':
        reply(m.id, async () => {
          await server?.stop();
          setImmediate(() => process.exit(0));
        });
        return;
    }
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv.includes('--sfu-child')) void childMain();

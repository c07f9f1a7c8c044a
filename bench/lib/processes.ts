// The two processes of a benchmark run, from the runner's side: the SFU (an RtcServer in its own process,
// rtcd/test/helpers/sfu-process.ts) and the load generator (bench/load/loadgen.ts), with the signaling
// between them relayed here. Nothing of the media goes through the runner.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MediaPath } from '@calls-ts/rtcd/rtc';
import { RemoteSfu, type SfuUsage } from '../../rtcd/test/helpers/sfu-process.js';
import type { CallSpec, FromLoad, LoadStats, ToLoad } from '../load/loadgen.js';

const LOADGEN = fileURLToPath(new URL('../load/loadgen.ts', import.meta.url));

export class LoadGenerator {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    private readonly sfu: RemoteSfu,
  ) {
    sfu.on('message', (msg) => this.post({ t: 'sfu', msg }));
    child.on('message', (m: FromLoad) => this.onMessage(m));
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`load generator exited (${code})`));
      this.pending.clear();
    });
  }

  static async start(sfu: RemoteSfu): Promise<LoadGenerator> {
    const child = fork(LOADGEN, [], {
      execArgv: process.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const gen = new LoadGenerator(child, sfu);
    await new Promise<void>((resolve, reject) => {
      gen.pending.set(0, { resolve: () => resolve(), reject });
    });
    return gen;
  }

  private post(m: ToLoad): void {
    if (this.child.connected) this.child.send(m);
  }

  private onMessage(m: FromLoad): void {
    switch (m.t) {
      case 'reply': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(new Error(m.error));
        return;
      }
      case 'init':
        this.sfu.initSession(m.cfg).then(
          () => this.post({ t: 'reply', id: m.id, ok: true }),
          (err: unknown) => this.post({ t: 'reply', id: m.id, ok: false, error: String(err) }),
        );
        return;
      case 'close':
        this.sfu.closeSession(m.sessionID).then(
          () => this.post({ t: 'reply', id: m.id, ok: true }),
          (err: unknown) => this.post({ t: 'reply', id: m.id, ok: false, error: String(err) }),
        );
        return;
      case 'send':
        if (m.msg.data) m.msg.data = Buffer.from(m.msg.data.buffer, m.msg.data.byteOffset, m.msg.data.byteLength);
        this.sfu.send(m.msg);
        return;
    }
  }

  private request<T>(build: (id: number) => ToLoad): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post(build(id));
    });
  }

  /** Joins the calls' sessions and starts the talkers; resolves once every listener hears its call. */
  setup(calls: CallSpec[]): Promise<void> {
    return this.request((id) => ({ t: 'setup', id, calls }));
  }

  stats(): Promise<LoadStats> {
    return this.request((id) => ({ t: 'stats', id }));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.request((id) => ({ t: 'stop', id })).catch(() => undefined);
    await exited;
  }
}

export interface SfuProcessOptions {
  workers: number;
  mediaPath: MediaPath;
  /** Extra node flags for the SFU process (e.g. --cpu-prof). */
  execArgv?: string[];
  /** The media engine in the SFU's main thread instead of a worker (profiles then show it). */
  inline?: boolean;
}

export function startSfu(opts: SfuProcessOptions): Promise<RemoteSfu> {
  return RemoteSfu.start({
    config: { mediaWorkers: opts.workers },
    mediaPath: opts.mediaPath,
    inline: opts.inline ?? false,
    execArgv: ['--expose-gc', ...(opts.execArgv ?? [])],
  });
}

export type { RemoteSfu, SfuUsage };

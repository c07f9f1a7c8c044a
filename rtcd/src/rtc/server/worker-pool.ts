// Media worker threads (one RtcEngine each) and the plumbing to them: requests with replies, client messages,
// events back, metrics deltas applied to the registry, logs re-emitted through the server's logger. A worker
// that dies is reported (`workerCrashed`), its contribution to the gauges is undone (its sessions are gone),
// and it is replaced so the pool keeps its size.
import { EventEmitter } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { TimingOptions } from '../engine/session.js';
import { RtcError, toRtcError } from '../errors.js';
import type { GaugeKey, MetricsDelta } from '../metrics/recorder.js';
import type { RtcMetrics } from '../metrics/rtc-metrics.js';
import type { SharedUdpPort } from '../net/shared-udp-port.js';
import type { MediaPath, RtcMessage, RtcServerConfig, SessionCloseReason, SessionConfig } from '../types.js';
import type { HostEvents, MediaHost } from './media-host.js';
import type { FromWorker, ToWorker, WorkerInit, WorkerResources } from './worker-protocol.js';

export interface WorkerPoolOptions {
  size: number;
  config: RtcServerConfig;
  logger: Logger;
  metrics: RtcMetrics;
  resources?: (index: number) => WorkerResources;
  timing?: TimingOptions;
  flushIntervalMs: number;
  mediaPath: MediaPath;
}

interface Pending {
  resolve: (v: boolean | undefined) => void;
  reject: (e: RtcError) => void;
  timer: NodeJS.Timeout;
}

interface Slot {
  index: number;
  worker: Worker;
  ready: boolean;
  alive: boolean;
  pending: Map<number, Pending>;
  /** Net gauge changes this worker applied, to undo when it dies. */
  ledger: Map<string, [GaugeKey, string[], number]>;
}

const REQUEST_TIMEOUT_MS = 15_000;
const FLUSH_TIMEOUT_MS = 2_000;

/**
 * The worker entry: compiled JS in production; the TypeScript source when this module itself runs from
 * source (tests, through tsx). Node 20 does not apply the parent's module hooks (`--import tsx`) to worker
 * threads, so a source worker starts from a tiny bootstrap that registers tsx and then imports the entry.
 */
export function workerEntry(): { entry: URL | string; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./worker-main.js', import.meta.url), eval: false };
  const main = JSON.stringify(new URL('./worker-main.ts', import.meta.url).href);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const code =
    `import(${tsx}).then((m) => { m.register(); return import(${main}); })` +
    `.catch((err) => { console.error(err); process.exit(1); });`;
  return { entry: code, eval: true };
}

/**
 * The parent's node flags a worker inherits: module loading only (conditions, loaders such as tsx). Workers
 * refuse V8 and process-wide flags (--expose-gc, --max-old-space-size, ...), and the test runner's or a
 * profiler's flags are the parent's business.
 */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^--(conditions|import|require|loader|experimental-loader)$/.test(a) || a === '-r' || a === '-C') {
      if (i + 1 < argv.length) out.push(a, argv[++i]!);
    } else if (/^--(conditions|import|require|loader|experimental-loader)=/.test(a) || /^--(enable-source-maps|no-warnings|no-deprecation)$/.test(a)) {
      out.push(a);
    }
  }
  return out;
}

export class WorkerPool extends EventEmitter<HostEvents> implements MediaHost {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private stopping = false;
  private net: SharedUdpPort | undefined;

  constructor(private readonly opts: WorkerPoolOptions) {
    super();
  }

  get workerCount(): number {
    return this.opts.size;
  }

  isAvailable(worker: number): boolean {
    const s = this.slots[worker];
    return !!s && s.alive && s.ready;
  }

  /** Starts the workers, each linked to the shared ICE port (`net`): its sessions are served on that port. */
  async start(net?: SharedUdpPort): Promise<void> {
    this.net = net;
    await Promise.all(Array.from({ length: this.opts.size }, (_, i) => this.spawn(i)));
  }

  private spawn(index: number): Promise<void> {
    const res = this.opts.resources?.(index) ?? { data: {} };
    // The worker runs WorkerUdpPort.connect on its end before it reports ready; the main thread's end joins
    // the port's route table (addWorker resolves once the worker may serve sessions).
    const channel = this.net ? new MessageChannel() : undefined;
    const linked = channel ? this.net!.addWorker(channel.port1) : Promise.resolve(undefined);
    const init: WorkerInit = {
      index,
      config: this.opts.config,
      logLevel: this.opts.logger.level,
      flushIntervalMs: this.opts.flushIntervalMs,
      timing: this.opts.timing,
      resources: res.data,
      netPort: channel?.port2,
      mediaPath: this.opts.mediaPath,
    };
    const transferList = [...(res.transferList ?? []), ...(channel ? [channel.port2] : [])];
    const { entry, eval: isEval } = workerEntry();
    let worker: Worker;
    try {
      worker = new Worker(entry, {
        eval: isEval,
        workerData: init,
        transferList: transferList.length ? transferList : undefined,
        execArgv: workerExecArgv(),
        name: `rtc-media-${index}`,
      });
    } catch (err) {
      channel?.port1.close();
      linked.catch(() => undefined);
      return Promise.reject(err);
    }
    const slot: Slot = { index, worker, ready: false, alive: true, pending: new Map(), ledger: new Map() };
    this.slots[index] = slot;
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => {
        if (msg.t === 'ready') {
          slot.ready = true;
          this.emit('observer', { event: 'newworker', data: { worker: index, threadId: worker.threadId, resources: msg.resources } });
          resolve();
          return;
        }
        this.onWorkerMessage(slot, msg);
      });
      worker.on('error', (err) => {
        if (!slot.ready) reject(err);
        this.onWorkerGone(slot, err.message, err.stack);
      });
      worker.on('exit', (code) => {
        if (!slot.ready) reject(new Error(`media worker ${index} exited with code ${code} before starting`));
        this.onWorkerGone(slot, code === 0 ? undefined : `exited with code ${code}`);
      });
    });
    return Promise.all([ready, linked]).then(
      () => undefined,
      (err: unknown) => {
        void worker.terminate();
        throw err;
      },
    );
  }

  private onWorkerMessage(slot: Slot, msg: FromWorker): void {
    switch (msg.t) {
      case 'reply': {
        const p = slot.pending.get(msg.id);
        if (!p) return;
        slot.pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(toRtcError(msg.error));
        return;
      }
      case 'message':
        this.emit('message', msg.msg);
        return;
      case 'session-closed':
        this.emit('sessionClosed', msg.cfg, msg.reason, slot.index);
        return;
      case 'observer':
        this.emit('observer', msg.ev);
        return;
      case 'metrics':
        this.applyMetrics(slot, msg.delta);
        return;
      case 'log':
        this.relayLog(slot, msg.line);
        return;
      case 'ready':
        return;
    }
  }

  private applyMetrics(slot: Slot, delta: MetricsDelta): void {
    for (const [key, labels, v] of delta.gauges) {
      const id = key + '\0' + labels.join('\0');
      const cur = slot.ledger.get(id);
      if (cur) cur[2] += v;
      else slot.ledger.set(id, [key, labels, v]);
    }
    this.opts.metrics.apply(delta);
  }

  private relayLog(slot: Slot, line: string): void {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const { level, msg, ...rest } = rec;
    const logger = this.opts.logger;
    const label = (typeof level === 'number' && logger.levels.labels[level]) || 'info';
    const fn = (logger as unknown as Record<string, (o: object, m?: string) => void>)[label];
    fn?.call(logger, { worker: slot.index, ...rest }, typeof msg === 'string' ? msg : undefined);
  }

  private onWorkerGone(slot: Slot, error: string | undefined, stack?: string): void {
    if (!slot.alive) return;
    slot.alive = false;
    for (const p of slot.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new RtcError('worker_unavailable', `media worker ${slot.index} is gone`));
    }
    slot.pending.clear();
    // Its sessions are gone: undo what it added to the gauges (sessions, calls, tracks).
    const gauges = [...slot.ledger.values()].filter((g) => g[2] !== 0).map(([k, l, v]) => [k, l, -v] as [GaugeKey, string[], number]);
    slot.ledger.clear();
    if (gauges.length) this.opts.metrics.apply({ gauges, counters: [], observations: [], writeTimes: [] });
    const crashed = !this.stopping;
    this.emit('observer', { event: 'workerclose', data: { worker: slot.index, crashed, error } });
    if (!crashed) return;
    this.opts.logger.error({ worker: slot.index, error, stack }, 'media worker died; its calls are closed, starting a new one');
    this.emit('workerCrashed', slot.index, error ?? 'unknown');
    this.spawn(slot.index).catch((err: unknown) => {
      this.opts.logger.error({ worker: slot.index, err: String(err) }, 'failed to restart media worker');
    });
  }

  private request(worker: number, build: (id: number) => ToWorker, timeoutMs = REQUEST_TIMEOUT_MS): Promise<boolean | undefined> {
    const slot = this.slots[worker];
    if (!slot || !slot.alive) return Promise.reject(new RtcError('worker_unavailable', `media worker ${worker} is not running`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        slot.pending.delete(id);
        reject(new RtcError('worker_unavailable', `media worker ${worker} did not answer`));
      }, timeoutMs);
      slot.pending.set(id, { resolve, reject, timer });
      slot.worker.postMessage(build(id));
    });
  }

  async initSession(cfg: SessionConfig, worker: number): Promise<void> {
    await this.request(worker, (id) => ({ t: 'init-session', id, cfg }));
  }

  async closeSession(sessionID: string, worker: number): Promise<boolean> {
    return (await this.request(worker, (id) => ({ t: 'close-session', id, sessionID }))) === true;
  }

  send(msg: RtcMessage, worker: number): boolean {
    const slot = this.slots[worker];
    if (!slot || !slot.alive) return false;
    slot.worker.postMessage({ t: 'message', msg } satisfies ToWorker);
    return true;
  }

  async flushMetrics(): Promise<void> {
    await Promise.all(
      this.slots.map((s) => (s.alive && s.ready ? this.request(s.index, (id) => ({ t: 'flush', id }), FLUSH_TIMEOUT_MS).catch(() => undefined) : undefined)),
    );
  }

  async closeAll(reason: SessionCloseReason): Promise<void> {
    await Promise.all(
      this.slots.map((s) => (s.alive ? this.request(s.index, (id) => ({ t: 'close-all', id, reason })).catch(() => undefined) : undefined)),
    );
  }

  crashWorker(worker: number): void {
    this.slots[worker]?.worker.postMessage({ t: 'crash' } satisfies ToWorker);
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

// RtcServer: the SFU library's public face, used by the rtcd daemon and the Calls plugin. A facade over the
// media engines: it validates, keeps the registry of sessions (groups → calls → sessions, for routing and the
// session-config queries), pins each call to one worker (the least loaded when the call starts), routes
// client messages to it and re-emits what comes back. Works the same with worker threads (default, one per
// core) and inline (`inline: true`, everything in this thread).
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { mediaWorkerCount, validateRtcServerConfig, validateSessionConfig } from '../config.js';
import type { TimingOptions } from '../engine/session.js';
import { RtcError } from '../errors.js';
import { NetDeltaTracker } from '../metrics/net-delta.js';
import type { RtcMetrics } from '../metrics/rtc-metrics.js';
import { NetConfigError } from '../net/addresses.js';
import { SharedUdpPort } from '../net/shared-udp-port.js';
import { RtcObserver } from '../observer.js';
import {
  MessageType,
  type MediaPath,
  type RtcMessage,
  type RtcServerConfig,
  type RtcServerEvents,
  type SessionCloseReason,
  type SessionConfig,
} from '../types.js';
import { InlineHost } from './inline-host.js';
import type { MediaHost } from './media-host.js';
import { WorkerPool } from './worker-pool.js';
import type { WorkerResources } from './worker-protocol.js';

export interface RtcServerOptions {
  logger: Logger;
  metrics: RtcMetrics;
  /** Run the engine in this thread instead of worker threads (debugging, profiling). */
  inline?: boolean;
  /** Extra resources for each worker's peer factory (e.g. a MessagePort to the shared UDP socket). */
  workerResources?: (index: number) => WorkerResources;
  /** Timeouts (tests shorten them; defaults are the reference's 10 s / 5 s / 10 s). */
  timing?: TimingOptions;
  /** How often workers hand their metrics over (they also do before events and on scrape). */
  metricsFlushIntervalMs?: number;
  /** Who moves media packets (default `fast`; the env RTC_MEDIA_PATH=werift selects werift's own path). */
  mediaPath?: MediaPath;
}

/** The media path an RtcServer uses when its options do not say. */
export function defaultMediaPath(): MediaPath {
  return process.env.RTC_MEDIA_PATH === 'werift' ? 'werift' : 'fast';
}

export interface StopOptions {
  /** Wait for every session to end before stopping (new sessions are refused meanwhile). */
  drain?: boolean;
}

interface Entry {
  cfg: SessionConfig;
  worker: number;
}

interface CallPlacement {
  worker: number;
  sessions: Set<string>;
}

const MAX_MESSAGE_DATA_BYTES = 1024 * 1024;

function isValidMessage(msg: RtcMessage): boolean {
  return (
    !!msg &&
    typeof msg.sessionID === 'string' &&
    Number.isInteger(msg.type) &&
    msg.type >= MessageType.ICE &&
    msg.type <= MessageType.VideoOff &&
    (msg.data === undefined || (msg.data instanceof Uint8Array && msg.data.byteLength <= MAX_MESSAGE_DATA_BYTES))
  );
}

export class RtcServer extends EventEmitter<RtcServerEvents> {
  /** Lifecycle events of workers, calls, sessions and tracks (monitoring). */
  readonly observer = new RtcObserver();
  private readonly config: RtcServerConfig;
  private readonly logger: Logger;
  private readonly metrics: RtcMetrics;
  private readonly host: MediaHost;
  private readonly sessions = new Map<string, Entry>();
  private readonly calls = new Map<string, CallPlacement>();
  private readonly groupSessions = new Map<string, number>();
  private workerSessions: number[] = [];
  private workerCalls: number[] = [];
  private state: 'new' | 'starting' | 'running' | 'draining' | 'stopping' | 'stopped' = 'new';
  private removeCollectHook: (() => void) | undefined;
  private port: SharedUdpPort | undefined;
  private portMetrics: NetDeltaTracker | undefined;
  readonly mediaPath: MediaPath;
  private drainWaiters: (() => void)[] = [];
  private stopPromise: Promise<void> | undefined;

  constructor(config: RtcServerConfig, opts: RtcServerOptions) {
    super();
    this.config = structuredClone(validateRtcServerConfig(config));
    this.logger = opts.logger;
    this.metrics = opts.metrics;
    const flushIntervalMs = opts.metricsFlushIntervalMs ?? 500;
    this.mediaPath = opts.mediaPath ?? defaultMediaPath();
    const mediaPath = this.mediaPath;
    this.host = opts.inline
      ? new InlineHost({
          config: this.config,
          logger: opts.logger,
          metrics: opts.metrics,
          resources: opts.workerResources?.(0).data,
          timing: opts.timing,
          flushIntervalMs,
          mediaPath,
        })
      : new WorkerPool({
          size: mediaWorkerCount(this.config),
          config: this.config,
          logger: opts.logger,
          metrics: opts.metrics,
          resources: opts.workerResources,
          timing: opts.timing,
          flushIntervalMs,
          mediaPath,
        });
    this.host.on('message', (msg) => this.emit('message', msg));
    this.host.on('sessionClosed', (cfg, reason) => this.onSessionClosed(cfg, reason));
    this.host.on('observer', (ev) => this.observer.dispatch(ev));
    this.host.on('workerCrashed', (worker) => this.onWorkerCrashed(worker));
  }

  get isRunning(): boolean {
    return this.state === 'running' || this.state === 'draining';
  }

  get isDraining(): boolean {
    return this.state === 'draining';
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get callCount(): number {
    return this.calls.size;
  }

  get workerCount(): number {
    return this.host.workerCount;
  }

  /** The shared ICE port (UDP) every session uses; undefined before start. */
  get udpPort(): number | undefined {
    return this.port?.udpPort;
  }

  /** The ICE-TCP port (same number as UDP unless configured otherwise); undefined before start. */
  get tcpPort(): number | undefined {
    return this.port?.tcpPort;
  }

  /** Sessions per worker (index = worker). */
  get workerLoad(): readonly number[] {
    return [...this.workerSessions];
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new RtcError('not_running', `cannot start a server that is ${this.state}`);
    this.state = 'starting';
    this.workerSessions = new Array<number>(this.host.workerCount).fill(0);
    this.workerCalls = new Array<number>(this.host.workerCount).fill(0);
    try {
      this.port = await SharedUdpPort.bind(this.config, { logger: this.logger });
    } catch (err) {
      this.state = 'stopped';
      const code = err instanceof NetConfigError ? 'invalid_config' : 'worker_unavailable';
      throw new RtcError(code, `failed to bind the ICE port: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    this.portMetrics = new NetDeltaTracker(this.port.counters, true);
    try {
      await this.host.start(this.port);
    } catch (err) {
      this.state = 'stopped';
      await this.host.shutdown().catch(() => undefined);
      await this.port.close().catch(() => undefined);
      throw new RtcError('worker_unavailable', `failed to start the media workers: ${String(err)}`, { cause: err });
    }
    this.removeCollectHook = this.metrics.addCollectHook(() => this.flushMetrics());
    this.state = 'running';
    this.logger.info({ workers: this.host.workerCount, udpPort: this.port.udpPort, tcpPort: this.port.tcpPort, mediaPath: this.mediaPath }, 'rtc server started');
  }

  /**
   * Stops the server. With `drain`, refuses new sessions and waits for the existing ones to end (a later
   * `stop()` without drain cuts the wait short); without, closes every session (`sessionClosed`, reason
   * `server_stop`).
   */
  async stop(opts: StopOptions = {}): Promise<void> {
    if (this.state === 'new' || this.state === 'stopped') {
      this.state = 'stopped';
      return;
    }
    if (!opts.drain && this.state === 'draining') await this.host.closeAll('server_stop');
    this.stopPromise ??= (async () => {
      if (opts.drain && this.sessions.size > 0) {
        this.state = 'draining';
        this.logger.info({ sessions: this.sessions.size }, 'rtc server draining');
        await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
      }
      this.state = 'stopping';
      await this.host.closeAll('server_stop');
      await this.flushMetrics();
      this.removeCollectHook?.();
      await this.host.shutdown();
      await this.port?.close();
      this.applyPortMetrics();
      this.state = 'stopped';
      this.logger.info('rtc server stopped');
    })();
    return this.stopPromise;
  }

  /** Creates a session; rejects with RtcError (invalid config, duplicate session, draining, not running). */
  async initSession(cfg: SessionConfig): Promise<void> {
    validateSessionConfig(cfg);
    if (this.state === 'draining') throw new RtcError('draining', 'the server is draining: no new sessions');
    if (this.state !== 'running') throw new RtcError('not_running', 'the server is not running');
    if (this.sessions.has(cfg.sessionID)) throw new RtcError('duplicate_session', `session ${cfg.sessionID} already exists`);
    const worker = this.place(cfg);
    const entry: Entry = { cfg: { ...cfg, props: { ...cfg.props } }, worker };
    this.sessions.set(cfg.sessionID, entry);
    try {
      await this.host.initSession(entry.cfg, worker);
    } catch (err) {
      if (this.sessions.get(cfg.sessionID) === entry) this.forget(entry);
      throw err;
    }
  }

  /** Closes a session; resolves after `sessionClosed`. Rejects with RtcError('not_found') for unknown ids. */
  async closeSession(sessionID: string): Promise<void> {
    const entry = this.sessions.get(sessionID);
    if (!entry) throw new RtcError('not_found', `session ${sessionID} not found`);
    await this.host.closeSession(sessionID, entry.worker);
  }

  /** A message from the client (SDP, ICE, Mute, Unmute, ScreenOn, ScreenOff...). False when not routed. */
  send(msg: RtcMessage): boolean {
    if (!isValidMessage(msg)) {
      this.metrics.errors.inc({ group_id: typeof msg?.groupID === 'string' ? msg.groupID : '', type: 'invalid_message' });
      this.logger.debug({ sessionID: msg?.sessionID, type: msg?.type }, 'invalid rtc message');
      return false;
    }
    const entry = this.sessions.get(msg.sessionID);
    if (!entry) {
      this.metrics.errors.inc({ group_id: msg?.groupID ?? '', type: 'session_not_found' });
      this.logger.debug({ sessionID: msg?.sessionID, type: msg?.type }, 'message for an unknown session');
      return false;
    }
    return this.host.send(msg, entry.worker);
  }

  getSessionConfig(groupID: string, callID: string, sessionID: string): SessionConfig {
    const entries = this.callEntries(groupID, callID);
    const e = entries.find((x) => x.cfg.sessionID === sessionID);
    if (!e) throw new RtcError('not_found', 'session not found');
    return structuredClone(e.cfg);
  }

  getSessionConfigs(groupID: string, callID: string): SessionConfig[] {
    const entries = this.callEntries(groupID, callID);
    if (entries.length === 0) throw new RtcError('not_found', 'no sessions found');
    return entries.map((e) => structuredClone(e.cfg));
  }

  /** Applies pending metric deltas of every worker to the registry (scrapes do this by themselves). */
  async flushMetrics(): Promise<void> {
    this.applyPortMetrics();
    await this.host.flushMetrics();
  }

  private applyPortMetrics(): void {
    const net = this.portMetrics?.take();
    if (net) this.metrics.apply({ gauges: [], counters: [], observations: [], writeTimes: [], net });
  }

  /** Fault injection for tests: makes a media worker throw an uncaught exception. */
  debugCrashWorker(worker: number): void {
    this.host.crashWorker(worker);
  }

  private callEntries(groupID: string, callID: string): Entry[] {
    if (!this.groupSessions.get(groupID)) throw new RtcError('not_found', 'group not found');
    const p = this.calls.get(groupID + '\0' + callID);
    if (!p || p.sessions.size === 0) throw new RtcError('not_found', 'call not found');
    return [...p.sessions].map((id) => this.sessions.get(id)!);
  }

  private callKey(cfg: SessionConfig): string {
    return cfg.groupID + '\0' + cfg.callID;
  }

  /** A call stays on its worker; a new call goes to the worker with the fewest sessions (then calls). */
  private place(cfg: SessionConfig): number {
    const key = this.callKey(cfg);
    let p = this.calls.get(key);
    if (!p) {
      let best = -1;
      for (let i = 0; i < this.host.workerCount; i++) {
        if (!this.host.isAvailable(i)) continue;
        if (
          best < 0 ||
          this.workerSessions[i]! < this.workerSessions[best]! ||
          (this.workerSessions[i] === this.workerSessions[best] && this.workerCalls[i]! < this.workerCalls[best]!)
        ) {
          best = i;
        }
      }
      if (best < 0) throw new RtcError('worker_unavailable', 'no media worker is available');
      p = { worker: best, sessions: new Set() };
      this.calls.set(key, p);
      this.workerCalls[best]!++;
    }
    p.sessions.add(cfg.sessionID);
    this.workerSessions[p.worker]!++;
    this.groupSessions.set(cfg.groupID, (this.groupSessions.get(cfg.groupID) ?? 0) + 1);
    return p.worker;
  }

  private forget(entry: Entry): void {
    this.sessions.delete(entry.cfg.sessionID);
    this.workerSessions[entry.worker]!--;
    const key = this.callKey(entry.cfg);
    const p = this.calls.get(key);
    p?.sessions.delete(entry.cfg.sessionID);
    if (p && p.sessions.size === 0) {
      this.calls.delete(key);
      this.workerCalls[p.worker]!--;
    }
    const n = (this.groupSessions.get(entry.cfg.groupID) ?? 1) - 1;
    if (n > 0) this.groupSessions.set(entry.cfg.groupID, n);
    else this.groupSessions.delete(entry.cfg.groupID);
  }

  private onSessionClosed(cfg: SessionConfig, reason: SessionCloseReason): void {
    const entry = this.sessions.get(cfg.sessionID);
    if (entry) this.forget(entry);
    this.emit('sessionClosed', cfg, reason);
    if (this.sessions.size === 0 && this.drainWaiters.length > 0) {
      for (const w of this.drainWaiters.splice(0)) w();
    }
  }

  private onWorkerCrashed(worker: number): void {
    const lost = [...this.sessions.values()].filter((e) => e.worker === worker);
    this.logger.error({ worker, sessions: lost.length }, 'media worker crashed');
    for (const e of lost) {
      this.metrics.errors.inc({ group_id: e.cfg.groupID, type: 'worker_crash' });
      this.observer.dispatch({ event: 'sessionclose', data: { cfg: e.cfg, reason: 'worker_crash', worker } });
      this.onSessionClosed(e.cfg, 'worker_crash');
      if (!this.calls.has(this.callKey(e.cfg))) {
        this.observer.dispatch({ event: 'callclose', data: { groupID: e.cfg.groupID, callID: e.cfg.callID, worker } });
      }
    }
  }
}

// Runs one RtcEngine in the calling thread (RtcServerOptions.inline): same behaviour as a single worker,
// without the thread boundary, for debugging, profiling and embedding in a process that manages its own
// threads. Metrics deltas are applied on a timer, before every event, and on scrape.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { RtcEngine } from '../engine/rtc-engine.js';
import type { TimingOptions } from '../engine/session.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import type { RtcMetrics } from '../metrics/rtc-metrics.js';
import type { SharedUdpPort } from '../net/shared-udp-port.js';
import { PeerFactory, type PeerResources } from '../peer-factory.js';
import type { MediaPath, RtcMessage, RtcServerConfig, SessionCloseReason, SessionConfig } from '../types.js';
import type { HostEvents, MediaHost } from './media-host.js';

export interface InlineHostOptions {
  config: RtcServerConfig;
  logger: Logger;
  metrics: RtcMetrics;
  resources?: Record<string, unknown>;
  timing?: TimingOptions;
  flushIntervalMs: number;
  mediaPath: MediaPath;
}

export class InlineHost extends EventEmitter<HostEvents> implements MediaHost {
  readonly workerCount = 1;
  readonly engine: RtcEngine;
  private readonly recorder = new MetricsRecorder();
  /** The factory's resources; the shared port joins them on start. */
  private readonly resources: PeerResources;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: InlineHostOptions) {
    super();
    this.resources = { ...opts.resources };
    this.engine = new RtcEngine({
      logger: opts.logger,
      recorder: this.recorder,
      factory: new PeerFactory(opts.config, this.resources),
      worker: 0,
      timing: opts.timing,
      mediaPath: opts.mediaPath,
    });
    this.engine.on('message', (msg) => this.emit('message', msg));
    this.engine.on('observer', (ev) => {
      this.flush();
      this.emit('observer', ev);
    });
    this.engine.on('sessionClosed', (cfg, reason) => {
      this.flush();
      this.emit('sessionClosed', cfg, reason, 0);
    });
  }

  private flush(): void {
    const delta = this.recorder.takeDelta();
    if (delta) this.opts.metrics.apply(delta);
  }

  isAvailable(): boolean {
    return true;
  }

  /** Sessions of this thread are served on `net`, the port this thread owns (its counters are the RtcServer's). */
  async start(net?: SharedUdpPort): Promise<void> {
    this.resources.net = net;
    this.timer = setInterval(() => this.flush(), this.opts.flushIntervalMs);
    this.timer.unref();
    this.emit('observer', { event: 'newworker', data: { worker: 0, threadId: 0, resources: Object.keys(this.opts.resources ?? {}) } });
  }

  async initSession(cfg: SessionConfig): Promise<void> {
    try {
      this.engine.initSession(cfg);
    } finally {
      this.flush();
    }
  }

  closeSession(sessionID: string): Promise<boolean> {
    return this.engine.closeSession(sessionID);
  }

  send(msg: RtcMessage): boolean {
    return this.engine.handleMessage(msg);
  }

  async flushMetrics(): Promise<void> {
    this.flush();
  }

  closeAll(reason: SessionCloseReason): Promise<void> {
    return this.engine.closeAll(reason);
  }

  crashWorker(): void {
    throw new Error('crashWorker is not available in inline mode');
  }

  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    this.emit('observer', { event: 'workerclose', data: { worker: 0, crashed: false } });
  }
}

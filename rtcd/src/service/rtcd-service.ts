// The rtcd daemon as one object: config → logger, client store, auth, SFU, HTTP API, WebSocket server.
// Lifecycle: start() listens; drain() stops taking sessions and waits for the live ones to end (bounded by
// rtc.drain_timeout_seconds); stop() closes everything it started, in reverse order.
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { ApiServer } from '../api/server.js';
import { AuthService } from '../auth/index.js';
import type { RtcdConfig } from '../config/types.js';
import { MetricsAccess } from '../metrics/access.js';
import { registerProcessMetrics } from '../metrics/process.js';
import { deleteSeriesWithLabel } from '../metrics/series.js';
import { ClientStore } from '../store/client-store.js';
import { CpuLoadMonitor } from '../system/cpu-load.js';
import { WsMetrics } from '../ws/ws-metrics.js';
import { WsServer } from '../ws/ws-server.js';
import { MessageHandler } from './message-handler.js';
import type { SfuBackend } from './sfu-backend.js';

/** An SFU the service owns: it is stopped with the service. */
export interface OwnedSfu extends SfuBackend {
  stop(): Promise<void>;
}

export interface RtcdServiceOptions {
  config: RtcdConfig;
  logger: Logger;
  /** Builds and starts the SFU, registering its metrics (prefix rtcd) on `registry`. */
  createSfu(registry: Registry, logger: Logger): Promise<OwnedSfu>;
  /** For tests: shorter keepalive. */
  pingIntervalMs?: number;
  /** For tests: bcrypt rate limit (default: the reference's 12/s per CPU, waiting up to 10 s). */
  authRate?: { perSecond: number; maxWaitMs: number };
}

export class RtcdService {
  readonly registry = new Registry();
  readonly log: Logger;
  private sfu: OwnedSfu | undefined;
  private api: ApiServer | undefined;
  private ws: WsServer | undefined;
  private handler: MessageHandler | undefined;
  private wsMetrics: WsMetrics | undefined;
  private store: ClientStore | undefined;
  private readonly cpu = new CpuLoadMonitor();
  private draining = false;
  private stopped = false;

  constructor(private readonly opts: RtcdServiceOptions) {
    this.log = opts.logger;
  }

  get address(): { host: string; port: number } | undefined {
    const a = this.api?.http.address();
    return a && typeof a === 'object' ? { host: a.address, port: a.port } : undefined;
  }

  get sessionCount(): number {
    return this.sfu?.sessionCount ?? 0;
  }

  async start(): Promise<{ host: string; port: number }> {
    const { config } = this.opts;
    registerProcessMetrics({ prefix: 'rtcd', registry: this.registry });
    const store = new ClientStore(config.store.dataSource, this.registry);
    this.store = store;
    this.log.info({ DataSource: config.store.dataSource, clients: store.size }, 'initiated data store');
    const wsMetrics = new WsMetrics(this.registry);
    this.wsMetrics = wsMetrics;
    const auth = new AuthService({
      store,
      registry: this.registry,
      enableAdmin: config.api.security.enableAdmin,
      adminSecretKey: config.api.security.adminSecretKey,
      sessionTtlMs: config.api.security.sessionCache.expirationMinutes * 60_000,
      onUnregister: (clientID) => this.maybeForget(clientID),
      ...(this.opts.authRate ? { ratePerSecond: this.opts.authRate.perSecond, maxWaitMs: this.opts.authRate.maxWaitMs } : {}),
    });
    this.sfu = await this.opts.createSfu(this.registry, this.log.child({ origin: 'rtc' }));
    const ws = new WsServer({ auth, logger: this.log, metrics: wsMetrics, pingIntervalMs: this.opts.pingIntervalMs });
    this.ws = ws;
    const handler = new MessageHandler({
      sfu: this.sfu,
      metrics: wsMetrics,
      logger: this.log,
      connections: ws.connections,
      acceptingSessions: () => !this.draining,
    });
    this.handler = handler;
    ws.on('open', (conn) => handler.sendHello(conn));
    ws.on('frame', (conn, frame) => handler.enqueue(conn, frame));
    ws.on('close', (conn) => this.maybeForget(conn.clientID));
    // after the handler's own listener, which drops the session from the router
    this.sfu.on('sessionClosed', (cfg) => this.maybeForget(cfg.groupID));
    this.api = new ApiServer(
      {
        config,
        logger: this.log,
        registry: this.registry,
        auth,
        sfu: this.sfu,
        cpu: this.cpu,
        metricsAccess: new MetricsAccess({
          prefix: 'rtcd',
          registry: this.registry,
          allowedIPs: config.api.metrics.allowedIPs,
          token: config.api.metrics.token,
        }),
        isReady: () => !this.draining && !this.stopped,
      },
      (req, socket, head) => ws.handleUpgrade(req, socket, head),
    );
    this.cpu.start();
    let addr;
    try {
      addr = await this.api.listen(config.api.http.listenAddress);
    } catch (err) {
      await this.stop(); // the SFU's workers and sockets must not outlive a failed start
      throw err;
    }
    this.log.info({ address: `${addr.host}:${addr.port}`, tls: config.api.http.tls.enable }, 'api server listening');
    return addr;
  }

  // Every series of an unregistered client (rtcd_ws_* by clientID, rtcd_rtc_* by groupID) goes away once it
  // has neither a live link nor a live session: until then its gauges still describe something real.
  private maybeForget(clientID: string): void {
    if (!clientID || this.store?.has(clientID)) return;
    if ([...(this.ws?.connections.values() ?? [])].some((c) => c.clientID === clientID)) return;
    if ((this.handler?.router.countForGroup(clientID) ?? 0) > 0) return;
    this.wsMetrics?.forget(clientID);
    deleteSeriesWithLabel(this.registry, 'group_id', clientID).then(
      (n) => this.log.debug({ clientID, series: n }, 'deleted the series of an unregistered client'),
      (err: unknown) => this.log.warn({ err, clientID }, 'failed to delete series of an unregistered client'),
    );
  }

  /**
   * Stops accepting sessions (/ready turns false, joins are refused and counted) and waits until every
   * session has ended or the drain timeout (0 = none) passes. Resolves true when all sessions ended.
   */
  async drain(): Promise<boolean> {
    this.draining = true;
    const timeoutS = this.opts.config.rtc.drainTimeoutSeconds;
    this.log.info({ sessions: this.sessionCount, timeoutSeconds: timeoutS }, 'draining: waiting for sessions to end');
    const deadline = timeoutS > 0 ? Date.now() + timeoutS * 1000 : Infinity;
    while (this.sessionCount > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const done = this.sessionCount === 0;
    if (!done) this.log.warn({ sessions: this.sessionCount }, 'drain timeout reached with sessions still active');
    return done;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.draining = true;
    this.log.info('rtcd: shutting down');
    this.cpu.stop();
    // the SFU first: its remaining sessions end and their `close` still reaches the open links
    await this.sfu?.stop();
    await this.ws?.close();
    await this.api?.close();
  }
}

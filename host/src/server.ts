import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createLogger, type Logger } from './log.js';
import { HostMetrics } from './metrics/host-metrics.js';
import { createMetricsServer } from './metrics/listener.js';
import { openStore, type Store } from './store/index.js';
import { Hub } from './websocket/hub.js';
import { WsServer } from './websocket/ws-server.js';
import { createRequestRouter } from './websocket/router.js';
import { App } from './app/app.js';
import { toChannelMemberJson, toUserJson } from './app/models.js';
import { CommandRegistry } from './plugins/commands.js';
import { PluginManager } from './plugins/plugin-manager.js';
import { createApiDispatch } from './plugins/api-handler.js';
import { createHttpApp } from './api/http-app.js';
import { webPaths } from './api/static.js';
import type { ServerConfig } from './plugin-rpc/protocol.js';
import { DEFAULTS, HOST_ROOT, defaultPluginDirs, parseListenAddress, type HostOptions } from './config.js';

export type { HostOptions } from './config.js';

/** A running host. `url`/`metricsUrl` carry the real ports (useful with port 0). */
export interface HostHandle {
  url: string;
  /** '' when the metrics listener is disabled. */
  metricsUrl: string;
  port: number;
  metricsPort: number;
  /** Internals, for tests that need to look inside. */
  app: App;
  store: Store;
  hub: Hub;
  plugins: PluginManager;
  metrics: HostMetrics;
  log: Logger;
  close(): Promise<void>;
}

const VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(join(HOST_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

function listen(server: Server, addr: { host: string | undefined; port: number }): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host, () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}

/** Starts the chat host: store, HTTP API and WebSocket on one port, metrics on another, plugins. */
export async function startHost(options: HostOptions = {}): Promise<HostHandle> {
  const log = createLogger(options.logLevel ?? 'info');
  const metrics = new HostMetrics();
  const httpAddr = parseListenAddress(options.listenAddress ?? DEFAULTS.listenAddress, 'listen address');
  const metricsEnabled = options.metrics?.enable ?? true;
  const metricsAddr = parseListenAddress(options.metrics?.listenAddress ?? DEFAULTS.metricsListenAddress, 'metrics listen address');

  const sql = options.sql ?? { driver: 'sqlite' as const, dataSource: DEFAULTS.sqliteFile };
  const dataSource = sql.driver === 'sqlite' && sql.dataSource !== ':memory:' ? resolve(sql.dataSource) : sql.dataSource;
  const store = await openStore({ driver: sql.driver, dataSource });
  const cleanups: (() => Promise<void> | void)[] = [() => store.close()];
  try {
    const ws = options.websocket ?? {};
    const hub = new Hub(store, log.child({ mod: 'ws' }), metrics, {
      serverVersion: VERSION,
      reconnectWindowMs: ws.reconnectWindowMs ?? 5 * 60_000,
      maxQueuedEvents: 50_000,
      requestRate: { perSecond: 50, burst: 200 },
    });
    cleanups.unshift(() => hub.close());
    const sessionLengthMs = options.sessionLengthMs ?? 30 * 24 * 3600_000;
    const app = new App(store, hub, {
      passwordHashCost: options.passwordHashCost ?? 10,
      sessionLengthMs,
      enableOpenSignup: options.enableOpenSignup ?? true,
      defaultTeam: options.defaultTeam ?? { name: 'calls', display_name: 'Calls' },
    });

    let siteUrl = options.siteUrl ?? '';
    let metricsListen = '';
    const serverConfig = (): ServerConfig => ({
      ServiceSettings: { SiteURL: siteUrl, ListenAddress: options.listenAddress ?? DEFAULTS.listenAddress },
      SqlSettings: { DriverName: sql.driver },
      MetricsSettings: { Enable: metricsEnabled, ListenAddress: metricsListen },
    });

    const commands = new CommandRegistry();
    const p = options.plugin ?? {};
    const plugins: PluginManager = new PluginManager(
      store, hub, commands, log.child({ mod: 'plugins' }), metrics,
      {
        hookTimeoutMs: p.hookTimeoutMs ?? 30_000,
        activateTimeoutMs: p.activateTimeoutMs ?? 60_000,
        restartBackoff: p.restartBackoff ?? { initialMs: 1000, maxMs: 60_000 },
        stableAfterMs: 60_000,
        healthCheckIntervalMs: p.healthCheckIntervalMs ?? 30_000,
        maxPendingCalls: 1000,
        maxQueuedNotifications: 10_000,
        execArgv: p.execArgv,
        forwardOutput: p.forwardOutput ?? options.logLevel !== 'silent',
        env: p.env ?? {},
      },
      (id) =>
        createApiDispatch(id, {
          app, hub, log: log.child({ mod: 'plugin-api' }), metrics, commands,
          pluginConfig: (pid) => plugins.getConfig(pid),
          serverConfig,
          dbSettings: { driver: sql.driver, dataSource },
        }),
    );
    cleanups.unshift(() => plugins.stopAll());
    app.channels.on('userLeftChannel', (member, actor) => {
      const c = { requestId: '', sessionId: '', ipAddress: '', userAgent: '', acceptLanguage: '' };
      plugins.userLeftChannel(c, toChannelMemberJson(member), actor ? toUserJson(actor) : null);
    });

    const boot = await app.bootstrap();

    const httpApp = createHttpApp(
      { app, hub, plugins, commands, metrics, log: log.child({ mod: 'http' }), version: VERSION, siteUrl: () => siteUrl, serverConfig, sessionLengthMs },
      {
        maxApiBodyBytes: options.maxApiBodyBytes ?? 1024 * 1024,
        maxPluginBodyBytes: options.maxPluginBodyBytes ?? 8 * 1024 * 1024,
        ...webPaths(HOST_ROOT),
        ...(options.webDir ? { webDir: options.webDir } : {}),
        ...(options.webDistDir ? { webDistDir: options.webDistDir } : {}),
      },
    );
    const httpServer = createServer(httpApp.callback());
    const wsServer = new WsServer(
      hub,
      app.users,
      createRequestRouter({ hub, perms: app.perms, metrics, serverVersion: VERSION, toPlugins: (c, r) => plugins.routeWebSocketRequest(c, r) }),
      log.child({ mod: 'ws' }),
      metrics,
      { maxFrameBytes: ws.maxFrameBytes ?? 256 * 1024, authTimeoutMs: ws.authTimeoutMs ?? 5000, pingIntervalMs: ws.pingIntervalMs ?? 30_000 },
    );
    httpServer.on('upgrade', (req, socket, head) => wsServer.handleUpgrade(req, socket, head));
    const port = await listen(httpServer, httpAddr);
    cleanups.unshift(() => closeServer(httpServer), () => wsServer.close());
    siteUrl = (siteUrl || `http://localhost:${port}`).replace(/\/+$/, '');

    let metricsPort = 0;
    let metricsUrl = '';
    if (metricsEnabled) {
      const metricsServer = createMetricsServer(metrics, plugins, log.child({ mod: 'metrics' }), {
        allowedIps: options.metrics?.allowedIps ?? [],
        bearerToken: options.metrics?.bearerToken ?? '',
      });
      metricsPort = await listen(metricsServer, metricsAddr);
      cleanups.unshift(() => closeServer(metricsServer));
      metricsListen = `${metricsAddr.host ?? ''}:${metricsPort}`;
      metricsUrl = `http://${metricsAddr.host && metricsAddr.host !== '0.0.0.0' && metricsAddr.host !== '::' ? (metricsAddr.host.includes(':') ? `[${metricsAddr.host}]` : metricsAddr.host) : 'localhost'}:${metricsPort}`;
    }

    plugins.load(options.pluginDirs ?? defaultPluginDirs());
    await plugins.startAll();

    // Expired sessions and plugin KV keys are invisible already; this only reclaims their rows.
    const sweeper = setInterval(() => {
      const now = Date.now();
      void Promise.all([store.sessions.removeExpired(now), store.kv.removeExpired(now)]).catch((err: unknown) =>
        log.warn({ err }, 'cleanup of expired rows failed'),
      );
    }, 10 * 60_000);
    sweeper.unref();
    cleanups.unshift(() => clearInterval(sweeper));

    log.info({ url: siteUrl, metrics: metricsUrl || 'disabled', database: sql.driver }, `Calls host listening on ${siteUrl}`);
    log.info(
      boot.users === 0
        ? `Open ${siteUrl} and sign up: the first account becomes the system admin. Everyone joins the "${boot.team?.display_name ?? 'default'}" team.`
        : `Open ${siteUrl} and log in with your username or email and password.`,
    );

    let closing: Promise<void> | undefined;
    return {
      url: siteUrl, metricsUrl, port, metricsPort, app, store, hub, plugins, metrics, log,
      close: () =>
        (closing ??= (async () => {
          for (const fn of cleanups) {
            try {
              await fn();
            } catch (err) {
              log.warn({ err }, 'error while shutting down');
            }
          }
        })()),
    };
  } catch (err) {
    for (const fn of cleanups) await Promise.resolve(fn()).catch(() => undefined);
    throw err;
  }
}

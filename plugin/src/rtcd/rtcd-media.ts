// The rtcd media backend: the Calls plugin's media goes to one or more rtcd nodes over their WebSocket API.
// One RtcdHost per IPv4 address of the service hostname (re-resolved every 10 s); new calls go to the
// least loaded node (`/system` cpu_load, random when none answers), and a call stays on the node returned
// by pickHostForNewCall (the call logic persists it and passes it back on every operation).
import { EventEmitter } from 'node:events';
import { isIPv4 } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { RtcMessage, SessionConfig } from '@calls-ts/rtcd/rtc';
import { readManifest } from '../manifest.js';
import type { MediaBackend, MediaBackendEvents, MediaBackendInfo } from '../media/media-backend.js';
import { RtcdCredentials, type RtcdKV } from './credentials.js';
import { type ResolveHost, normalizeAddresses, resolveIPv4 } from './host-resolver.js';
import { RtcdHttpApi } from './http-api.js';
import { type HostState, RtcdMetrics } from './metrics.js';
import { type LinkTuning, type MutexFactory, RtcdRegistrar } from './registrar.js';
import { RtcdHost } from './rtcd-host.js';
import { type RtcdServiceURL, parseServiceURL, redact } from './service-url.js';
import { SESSIONS_API_MIN_VERSION, checkMinVersion, minRtcdVersionOf } from './version.js';

export interface RtcdMediaOptions {
  /** The plugin's configuration (env overrides applied): `RTCDServiceURL`, optionally with `clientID:authKey@`. */
  config: { RTCDServiceURL: string };
  /** The PluginAPI (KV get/set for `rtcd_config`). */
  api: RtcdKV;
  log: Logger;
  /** The plugin's prom-client registry. */
  registry: Registry;
  /** Cluster mutex factory (the registration lock is `rtcd_registration`). */
  lock: MutexFactory;
  /** Where MM_CLOUD_INSTALLATION_ID, MM_CALLS_RTCD_CLIENT_ID and MM_CALLS_RTCD_AUTH_KEY are read (process.env). */
  env?: NodeJS.ProcessEnv;
  /** The server's diagnostic id, the reference's last-resort client id. */
  diagnosticID?: string;
  /** Default: plugin.json `props.min_rtcd_version`. */
  minRtcdVersion?: string;
  /** Default: every A record through the system resolver. */
  resolve?: ResolveHost;
  /** DNS re-resolution period (10 s). */
  dnsIntervalMs?: number;
  /** A newly advertised address is connected after a random delay up to this (5 s), as the reference. */
  newHostJitterMs?: number;
  /** Growth of the wait between reconnection attempts; default random 0–5 s (2 s if that draws 0). */
  reconnectIntervalMs?: number;
  /** Attempts before a node is given up (8). */
  maxReconnectAttempts?: number;
  /** Timeout of the `/system` requests made to place a call (2 s). */
  loadQueryTimeoutMs?: number;
  link?: LinkTuning;
}

const DEFAULT_DNS_INTERVAL_MS = 10_000;
const DEFAULT_NEW_HOST_JITTER_MS = 5000;
const DEFAULT_MAX_RECONNECT_ATTEMPTS = 8;
const DEFAULT_LOAD_QUERY_TIMEOUT_MS = 2000;

export class RtcdMedia extends EventEmitter<MediaBackendEvents> implements MediaBackend {
  readonly kind = 'rtcd' as const;
  private readonly hosts = new Map<string, RtcdHost>();
  private readonly starting = new Map<string, Promise<RtcdHost>>();
  /** sessionID → host ip, for operations that come without a host. */
  private readonly sessionHosts = new Map<string, string>();
  /** The addresses DNS gave last time. */
  private advertised = new Set<string>();
  private readonly metrics: RtcdMetrics;
  private readonly log: Logger;
  private readonly minVersion: string;
  private readonly reconnectIntervalMs: number;
  private url: RtcdServiceURL | undefined;
  private registrar: RtcdRegistrar | undefined;
  private dnsTimer: NodeJS.Timeout | undefined;
  private dnsRunning = false;
  /** New addresses waiting for their jitter delay, by address. */
  private readonly jitterTimers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly opts: RtcdMediaOptions) {
    super();
    this.log = opts.log.child({ origin: 'rtcd' });
    this.metrics = new RtcdMetrics(opts.registry, () => this.hostStates());
    this.minVersion = opts.minRtcdVersion ?? minRtcdVersionOf(manifestOrUndefined());
    this.reconnectIntervalMs = opts.reconnectIntervalMs ?? (Math.floor(Math.random() * 5000) || 2000);
  }

  async start(): Promise<void> {
    const url = parseServiceURL(this.opts.config.RTCDServiceURL);
    this.url = url;
    const credentials = new RtcdCredentials({
      kv: this.opts.api,
      url,
      env: this.opts.env ?? process.env,
      reconnectIntervalMs: this.reconnectIntervalMs,
      metrics: this.metrics,
      log: this.log,
      ...(this.opts.diagnosticID ? { diagnosticID: this.opts.diagnosticID } : {}),
    });
    await credentials.resolve();
    this.log.info(
      { url: redact(this.opts.config.RTCDServiceURL), clientID: credentials.clientID, keySource: credentials.authKeySource },
      'starting the rtcd media backend',
    );
    this.registrar = new RtcdRegistrar({ credentials, wsURL: url.wsURL, lock: this.opts.lock, metrics: this.metrics, log: this.log, link: this.opts.link ?? {} });
    const ips = await this.resolveAddresses();
    if (!ips) throw new Error(`cannot resolve the rtcd host "${url.hostname}"`);
    this.advertised = new Set(ips);
    const results = await Promise.allSettled(ips.map((ip) => this.addHost(ip)));
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${ips[i]}: ${(r.reason as Error).message}`] : []));
    if (failures.length === ips.length) {
      // The metrics stay registered (the errors are counted there) until stop().
      throw new Error(`cannot use rtcd (${failures.join('; ')})`);
    }
    for (const f of failures) this.log.error({ err: f }, 'rtcd host unavailable, will retry on the next DNS check');
    this.dnsTimer = setInterval(() => void this.checkHosts(), this.opts.dnsIntervalMs ?? DEFAULT_DNS_INTERVAL_MS);
    this.dnsTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.dnsTimer);
    for (const t of this.jitterTimers.values()) clearTimeout(t);
    this.jitterTimers.clear();
    await Promise.allSettled([...this.starting.values()]);
    for (const host of this.hosts.values()) host.close();
    this.hosts.clear();
    this.sessionHosts.clear();
    this.metrics.unregister();
  }

  async pickHostForNewCall(): Promise<string | undefined> {
    const candidates = [...this.hosts.values()].filter((h) => !h.flagged && h.connected);
    if (!candidates.length) throw new Error('no rtcd host available');
    const timeout = this.opts.loadQueryTimeoutMs ?? DEFAULT_LOAD_QUERY_TIMEOUT_MS;
    const loads = await Promise.all(
      candidates.map((h) =>
        h.http.cpuLoad(timeout).catch((err: unknown) => {
          this.metrics.error('http');
          this.log.warn({ host: h.ip, err: (err as Error).message }, 'failed to get rtcd system info');
          return undefined;
        }),
      ),
    );
    let best: RtcdHost | undefined;
    let bestLoad = Infinity;
    candidates.forEach((h, i) => {
      const load = loads[i];
      if (load !== undefined && load < bestLoad) {
        bestLoad = load;
        best = h;
      }
    });
    best ??= candidates[Math.floor(Math.random() * candidates.length)]!;
    const byHost = Object.fromEntries(candidates.map((h, i) => [h.ip, loads[i] ?? null]));
    this.log.debug({ host: best.ip, loads: byHost }, 'rtcd host picked for a new call');
    return best.ip;
  }

  async initSession(cfg: SessionConfig, host: string | undefined): Promise<void> {
    const h = await this.hostFor(host);
    if (!h.join(cfg)) throw new Error(`rtcd host ${h.ip} cannot take the session now (not connected)`);
    this.sessionHosts.set(cfg.sessionID, h.ip);
  }

  async reconnectSession(sessionID: string, host: string | undefined): Promise<void> {
    const h = await this.hostFor(host ?? this.sessionHosts.get(sessionID));
    if (!h.reconnectSession(sessionID)) throw new Error(`rtcd host ${h.ip} is not connected`);
    this.sessionHosts.set(sessionID, h.ip);
  }

  async closeSession(sessionID: string, host: string | undefined): Promise<void> {
    const ip = host ?? this.sessionHosts.get(sessionID);
    this.sessionHosts.delete(sessionID);
    const h = ip === undefined ? undefined : this.hosts.get(ip);
    if (!h) {
      this.log.debug({ sessionID, host: ip }, 'closeSession: no rtcd host for the session');
      return;
    }
    h.leave(sessionID);
  }

  send(msg: RtcMessage, host: string | undefined): void {
    const ip = host ?? this.sessionHosts.get(msg.sessionID);
    const h = ip === undefined ? undefined : this.hosts.get(ip);
    if (!h || !h.send(msg)) {
      if (!h) this.metrics.error('send_dropped');
      this.log.debug({ sessionID: msg.sessionID, host: ip, type: msg.type }, 'rtc message dropped: no connected rtcd host');
    }
  }

  async callSessions(callID: string, host: string | undefined): Promise<SessionConfig[] | undefined> {
    if (host === undefined) return undefined;
    let h: RtcdHost;
    try {
      h = await this.hostFor(host);
    } catch (err) {
      // As the reference (hasCallEnded): a node we cannot find is gone, and so are its calls.
      this.log.info({ host, err: (err as Error).message }, 'rtcd host of the call is gone');
      return [];
    }
    try {
      checkMinVersion(SESSIONS_API_MIN_VERSION, h.version?.buildVersion ?? '');
    } catch {
      return undefined;
    }
    try {
      const sessions = await h.http.sessions(callID, this.registrar!.authorization);
      const ids = sessions.map((s) => s.sessionID);
      h.adoptSessions(callID, ids);
      for (const id of ids) this.sessionHosts.set(id, h.ip);
      h.retireIfIdle();
      return sessions;
    } catch (err) {
      this.metrics.error('http');
      this.log.warn({ host, err: (err as Error).message }, 'failed to get the sessions of a call from rtcd');
      return undefined;
    }
  }

  info(): MediaBackendInfo {
    const rtcdVersions: Record<string, Record<string, string>> = {};
    for (const h of this.hosts.values()) {
      if (!h.version) continue;
      rtcdVersions[h.ip] = Object.fromEntries(Object.entries(h.version).map(([k, v]) => [k, String(v)]));
    }
    return { kind: 'rtcd', rtcdVersions };
  }

  /** Hosts by address with their state, for diagnostics and tests. */
  hostsInfo(): Array<{ ip: string; state: string; flagged: boolean; sessions: number }> {
    return [...this.hosts.values()].map((h) => ({ ip: h.ip, state: h.state, flagged: h.flagged, sessions: h.sessions.size }));
  }

  private hostStates(): Record<HostState, number> {
    const s: Record<HostState, number> = { connecting: this.starting.size, connected: 0, reconnecting: 0, flagged: 0 };
    for (const h of this.hosts.values()) {
      if (h.flagged) s.flagged++;
      else if (h.state === 'connected') s.connected++;
      else if (h.state === 'reconnecting') s.reconnecting++;
    }
    return s;
  }

  /** The host of a call; one the plugin does not know yet (a call from before a restart) is connected on demand. */
  private async hostFor(ip: string | undefined): Promise<RtcdHost> {
    if (this.stopped) throw new Error('the rtcd media backend is stopped');
    if (ip === undefined) throw new Error('rtcd mode needs the host of the call');
    const h = this.hosts.get(ip);
    if (h) return h;
    const pending = this.starting.get(ip);
    if (pending) return pending;
    if (!isIPv4(ip)) throw new Error(`invalid rtcd host "${ip.slice(0, 64)}"`);
    this.log.debug({ host: ip }, 'connecting to an rtcd host on demand');
    return this.addHost(ip);
  }

  private addHost(ip: string): Promise<RtcdHost> {
    const existing = this.starting.get(ip);
    if (existing) return existing;
    const url = this.url!;
    const host = new RtcdHost({
      ip,
      http: new RtcdHttpApi(url.httpURL, ip),
      registrar: this.registrar!,
      minVersion: this.minVersion,
      reconnectIntervalMs: this.reconnectIntervalMs,
      maxReconnectAttempts: this.opts.maxReconnectAttempts ?? DEFAULT_MAX_RECONNECT_ATTEMPTS,
      metrics: this.metrics,
      log: this.log.child({ host: ip }),
    });
    const p = host
      .start()
      .then(() => {
        if (this.stopped) {
          host.close();
          throw new Error('the rtcd media backend is stopped');
        }
        // A node connected on demand for a call from before (not in DNS) takes no new calls either.
        host.flagged = !this.advertised.has(ip);
        this.attach(host);
        return host;
      })
      .catch((err: unknown) => {
        host.close();
        throw err;
      })
      .finally(() => this.starting.delete(ip));
    this.starting.set(ip, p);
    return p;
  }

  private attach(host: RtcdHost): void {
    this.hosts.set(host.ip, host);
    host.on('message', (msg) => this.emit('message', msg));
    host.on('sessionClosed', (sessionID) => {
      if (this.sessionHosts.get(sessionID) === host.ip) this.sessionHosts.delete(sessionID);
      this.emit('sessionClosed', sessionID);
    });
    host.on('gone', (reason) => {
      if (this.hosts.get(host.ip) === host) this.hosts.delete(host.ip);
      this.log.warn({ host: host.ip, reason }, 'rtcd host gone');
      this.emit('hostGone', host.ip);
    });
  }

  private async resolveAddresses(): Promise<string[] | undefined> {
    const hostname = this.url!.hostname;
    try {
      return normalizeAddresses(await (this.opts.resolve ?? resolveIPv4)(hostname));
    } catch (err) {
      this.metrics.error('dns');
      this.log.warn({ hostname, err: (err as Error).message }, 'failed to resolve the rtcd hostname');
      return undefined;
    }
  }

  /** Every 10 s: flag the addresses that left DNS, unflag those that came back, connect the new ones. */
  private async checkHosts(): Promise<void> {
    if (this.dnsRunning || this.stopped) return;
    this.dnsRunning = true;
    try {
      const ips = await this.resolveAddresses();
      if (!ips || this.stopped) return;
      this.advertised = new Set(ips);
      for (const h of this.hosts.values()) h.setFlagged(!this.advertised.has(h.ip));
      for (const ip of ips) {
        if (this.hosts.has(ip) || this.starting.has(ip) || this.jitterTimers.has(ip)) continue;
        // Jitter, as the reference, so that the plugin nodes of a cluster do not all register at once.
        const delay = Math.floor(Math.random() * (this.opts.newHostJitterMs ?? DEFAULT_NEW_HOST_JITTER_MS));
        const t = setTimeout(() => {
          this.jitterTimers.delete(ip);
          if (this.stopped || this.hosts.has(ip) || this.starting.has(ip)) return;
          this.log.info({ host: ip }, 'new rtcd host advertised, connecting');
          this.addHost(ip).catch((err: unknown) => this.log.error({ host: ip, err: (err as Error).message }, 'failed to connect to a new rtcd host'));
        }, delay);
        this.jitterTimers.set(ip, t);
      }
    } finally {
      this.dnsRunning = false;
    }
  }
}

function manifestOrUndefined(): ReturnType<typeof readManifest> | undefined {
  try {
    return readManifest();
  } catch {
    return undefined;
  }
}

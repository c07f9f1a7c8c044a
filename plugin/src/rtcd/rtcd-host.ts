// One rtcd node (one IPv4 address of the service hostname): its link, the sessions this plugin started on
// it, and what happens when the link drops. As the reference: wait a growing interval, take a fresh
// authorised link (re-registering, since rtcd may have lost its store), give up after 8 attempts. Ours on top:
// after a reconnection the sessions this plugin had there are checked against rtcd's sessions API; those
// rtcd still has are re-claimed with `reconnect` (so their signaling comes to the new link), those it lost
// are reported closed so their users can rejoin; messages sent meanwhile wait in a bounded queue.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ClientMessage, RtcMessage } from '@calls-ts/rtcd/protocol';
import type { SessionConfig } from '@calls-ts/rtcd/rtc';
import type { RtcdHttpApi, RtcdVersionInfo } from './http-api.js';
import type { RtcdMetrics } from './metrics.js';
import type { RtcdLink } from './rtcd-link.js';
import type { RtcdRegistrar } from './registrar.js';
import { SESSIONS_API_MIN_VERSION, checkMinVersion } from './version.js';

export type HostLifecycle = 'connecting' | 'connected' | 'reconnecting' | 'gone' | 'closed';
export type GoneReason = 'unreachable' | 'flagged';

export interface RtcdHostEvents {
  message: [RtcMessage];
  sessionClosed: [sessionID: string];
  /** The node is given up (after the sessions it had were reported closed). */
  gone: [reason: GoneReason];
}

export interface RtcdHostOptions {
  ip: string;
  http: RtcdHttpApi;
  registrar: RtcdRegistrar;
  minVersion: string;
  /** Growth of the wait between reconnection attempts (the reference: random 0–5 s per client). */
  reconnectIntervalMs: number;
  maxReconnectAttempts: number;
  metrics: RtcdMetrics;
  log: Logger;
}

interface TrackedSession {
  /** Unknown for sessions re-claimed after a plugin restart without their call. */
  callID: string | undefined;
  /** Its `join` reached a link (so rtcd has, or had, the session). */
  joined: boolean;
}

// The reference caps the growth of the wait at 30 s.
const MAX_RECONNECT_WAIT_MS = 30_000;
const MAX_PENDING_FRAMES = 2000;
const RETIRE_GRACE_MS = 1000;

export class RtcdHost extends EventEmitter<RtcdHostEvents> {
  readonly ip: string;
  state: HostLifecycle = 'connecting';
  /** Gone from DNS: takes no new calls, removed once its sessions are gone or its link drops. */
  flagged = false;
  version: RtcdVersionInfo | undefined;
  readonly sessions = new Map<string, TrackedSession>();
  private link: RtcdLink | undefined;
  private pending: ClientMessage[] = [];
  private wake: (() => void) | undefined;
  private retireTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: RtcdHostOptions) {
    super();
    this.ip = opts.ip;
  }

  get http(): RtcdHttpApi {
    return this.opts.http;
  }

  get connected(): boolean {
    return this.state === 'connected' && !!this.link?.isOpen;
  }

  /** First connection: registration if needed, then the version gate (fatal here, as in the reference). */
  async start(): Promise<void> {
    const { log, registrar, http } = this.opts;
    const link = await registrar.connect(http, log);
    try {
      await this.checkVersion();
    } catch (err) {
      link.close();
      this.state = 'closed';
      throw err;
    }
    this.adopt(link);
    this.state = 'connected';
    log.info({ connID: link.connID, version: this.version?.buildVersion }, 'connected to rtcd');
  }

  private async checkVersion(): Promise<void> {
    let info: RtcdVersionInfo;
    try {
      info = await this.opts.http.version();
    } catch (err) {
      this.opts.metrics.error('version');
      throw new Error(`failed to get rtcd version info: ${(err as Error).message}`);
    }
    this.version = info;
    try {
      checkMinVersion(this.opts.minVersion, info.buildVersion);
    } catch (err) {
      this.opts.metrics.error('version');
      throw new Error(`rtcd at ${this.ip}: ${(err as Error).message}`);
    }
  }

  private adopt(link: RtcdLink): void {
    this.link = link;
    link.on('message', (msg) => this.onMessage(msg));
    link.resume();
    const onClose = (reason: string, byUs: boolean) => {
      if (byUs || this.link !== link) return;
      this.link = undefined;
      if (this.state !== 'connected') return;
      this.opts.log.warn({ reason }, 'rtcd link dropped, reconnecting');
      this.state = 'reconnecting';
      void this.reconnectLoop();
    };
    link.once('close', onClose);
    // It may have closed between open() and now, with nobody listening.
    if (!link.isOpen) queueMicrotask(() => onClose('closed before use', false));
  }

  private onMessage(msg: ClientMessage): void {
    switch (msg.type) {
      case 'rtc':
      case 'vad':
        this.emit('message', msg.data);
        return;
      case 'close':
        this.sessions.delete(msg.data.sessionID);
        this.emit('sessionClosed', msg.data.sessionID);
        this.maybeRetire();
        return;
      default:
        // A second hello is harmless; the link already rejected types rtcd never sends.
        return;
    }
  }

  private async reconnectLoop(): Promise<void> {
    const { log, metrics, registrar, http, maxReconnectAttempts } = this.opts;
    let wait = 0;
    for (let attempt = 1; ; attempt++) {
      if (wait < MAX_RECONNECT_WAIT_MS) wait += this.opts.reconnectIntervalMs;
      await this.sleep(wait);
      if (this.state !== 'reconnecting') return;
      if (attempt >= maxReconnectAttempts) {
        metrics.reconnectAttempt('gave_up');
        log.error({ attempts: attempt - 1 }, 'rtcd unreachable, giving up on this host');
        this.retire('unreachable');
        return;
      }
      if (this.flagged) {
        log.info('rtcd host left DNS and its link dropped, removing it');
        this.retire('flagged');
        return;
      }
      let link: RtcdLink;
      try {
        link = await registrar.connect(http, log);
      } catch (err) {
        metrics.reconnectAttempt('failure');
        log.warn({ attempt, err: (err as Error).message }, 'rtcd reconnection attempt failed');
        continue;
      }
      if (this.state !== 'reconnecting') {
        link.close();
        return;
      }
      metrics.reconnectAttempt('success');
      // As the reference: a version mismatch after a reconnection is logged, not fatal.
      await this.checkVersion().catch((err: unknown) => log.error({ err: (err as Error).message }, 'rtcd version check failed'));
      this.adopt(link);
      log.info({ attempt, connID: link.connID }, 'reconnected to rtcd');
      await this.reconcile();
      if (this.state !== 'reconnecting') return;
      // The new link may have dropped while we were reconciling: keep trying.
      if (!this.link?.isOpen) continue;
      this.state = 'connected';
      this.flush();
      this.maybeRetire();
      return;
    }
  }

  /**
   * After a reconnection: which of our sessions does rtcd still have? A restarted rtcd has none of them;
   * a link that merely dropped finds them all, and `reconnect` routes their messages to the new link.
   */
  private async reconcile(): Promise<void> {
    const byCall = new Map<string | undefined, string[]>();
    for (const [id, s] of this.sessions) {
      if (!s.joined) continue;
      const list = byCall.get(s.callID) ?? [];
      list.push(id);
      byCall.set(s.callID, list);
    }
    for (const [callID, ids] of byCall) {
      let alive: Set<string> | undefined;
      if (callID !== undefined && this.supportsSessionsAPI()) {
        try {
          alive = new Set((await this.opts.http.sessions(callID, this.opts.registrar.authorization)).map((s) => s.sessionID));
        } catch (err) {
          // Unknown: keep the sessions (rtcd drops a `reconnect` for a session it lacks).
          this.opts.metrics.error('http');
          this.opts.log.warn({ err: (err as Error).message }, 'could not check the sessions of a call after reconnecting');
        }
      }
      for (const id of ids) {
        if (!this.sessions.has(id)) continue;
        if (!alive || alive.has(id)) {
          this.link?.send({ type: 'reconnect', data: { sessionID: id } });
          continue;
        }
        this.sessions.delete(id);
        this.opts.log.info({ sessionID: id }, 'rtcd lost the session while the link was down, reporting it closed');
        this.emit('sessionClosed', id);
      }
    }
  }

  private supportsSessionsAPI(): boolean {
    const v = this.version?.buildVersion ?? '';
    try {
      checkMinVersion(SESSIONS_API_MIN_VERSION, v);
      return true;
    } catch {
      return false;
    }
  }

  /** Queued messages go out in order; signaling for sessions that ended meanwhile is dropped. */
  private flush(): void {
    const queued = this.pending;
    this.pending = [];
    for (const msg of queued) {
      if (msg.type === 'rtc' && !this.sessions.has(msg.data.sessionID)) continue;
      this.transmit(msg);
    }
  }

  private transmit(msg: ClientMessage): boolean {
    if (this.state === 'connected' && this.link?.send(msg)) {
      if (msg.type === 'join') {
        const s = this.sessions.get(msg.data.sessionID);
        if (s) s.joined = true;
      }
      return true;
    }
    if (this.state === 'reconnecting' && this.pending.length < MAX_PENDING_FRAMES) {
      this.pending.push(msg);
      return true;
    }
    if (this.state === 'connected' || this.state === 'reconnecting') this.opts.metrics.error('send_dropped');
    return false;
  }

  join(cfg: SessionConfig): boolean {
    this.sessions.set(cfg.sessionID, { callID: cfg.callID, joined: false });
    const ok = this.transmit({
      type: 'join',
      data: {
        callID: cfg.callID,
        userID: cfg.userID,
        sessionID: cfg.sessionID,
        ...(cfg.props.channelID !== undefined ? { channelID: cfg.props.channelID } : {}),
        ...(cfg.props.av1Support !== undefined ? { av1Support: cfg.props.av1Support } : {}),
        ...(cfg.props.dcSignaling !== undefined ? { dcSignaling: cfg.props.dcSignaling } : {}),
      },
    });
    if (!ok) this.sessions.delete(cfg.sessionID);
    return ok;
  }

  /** The user's WebSocket came back: route the session's messages to this plugin again. */
  reconnectSession(sessionID: string, callID?: string): boolean {
    if (!this.sessions.has(sessionID)) this.sessions.set(sessionID, { callID, joined: true });
    return this.transmit({ type: 'reconnect', data: { sessionID } });
  }

  /**
   * Takes over sessions rtcd reported for a call (after a plugin restart): they are tracked like ours, and
   * `reconnect` routes their signaling to this link (rtcd still routes it to the dead link of the previous
   * plugin process otherwise).
   */
  adoptSessions(callID: string, sessionIDs: string[]): void {
    for (const id of sessionIDs) {
      if (this.sessions.has(id)) continue;
      this.sessions.set(id, { callID, joined: true });
      this.transmit({ type: 'reconnect', data: { sessionID: id } });
    }
  }

  leave(sessionID: string): boolean {
    this.sessions.delete(sessionID);
    const ok = this.transmit({ type: 'leave', data: { sessionID } });
    this.maybeRetire();
    return ok;
  }

  send(msg: RtcMessage): boolean {
    return this.transmit({ type: 'rtc', data: msg });
  }

  setFlagged(flagged: boolean): void {
    if (this.flagged === flagged) return;
    this.flagged = flagged;
    this.opts.log.info({ flagged }, flagged ? 'rtcd host left DNS: no new calls go there' : 'rtcd host is back in DNS');
    this.maybeRetire();
  }

  /** A flagged host leaves once this plugin has no session on it anymore. */
  retireIfIdle(): void {
    this.maybeRetire();
  }

  private maybeRetire(): void {
    if (!this.flagged || this.sessions.size > 0 || this.state !== 'connected' || this.retireTimer) return;
    // A short grace lets the `close` answers to the last leaves arrive before the link goes.
    this.retireTimer = setTimeout(() => {
      this.retireTimer = undefined;
      if (!this.flagged || this.sessions.size > 0 || this.state !== 'connected') return;
      this.opts.log.info('flagged rtcd host has no sessions left, removing it');
      this.retire('flagged');
    }, RETIRE_GRACE_MS);
  }

  private retire(reason: GoneReason): void {
    if (this.state === 'gone' || this.state === 'closed') return;
    this.state = 'gone';
    this.shutdown();
    for (const id of [...this.sessions.keys()]) {
      this.sessions.delete(id);
      this.emit('sessionClosed', id);
    }
    this.emit('gone', reason);
  }

  /** Stops the host without reporting anything (the plugin is stopping; rtcd keeps the calls). */
  close(): void {
    if (this.state === 'gone' || this.state === 'closed') return;
    this.state = 'closed';
    this.shutdown();
  }

  private shutdown(): void {
    clearTimeout(this.retireTimer);
    this.pending = [];
    this.link?.close();
    this.link = undefined;
    this.wake?.();
    this.opts.http.close();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}

// The SFU engine of one thread: groups → calls → sessions, all in this thread. In worker mode each media
// worker runs one engine (its calls are pinned to it); in inline mode the RtcServer runs one in the main
// thread. It emits the same events as the RtcServer facade plus observer events, and records metrics into
// its MetricsRecorder (the owner moves them to the registry).
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { validateSessionConfig } from '../config.js';
import { RtcError } from '../errors.js';
import type { MetricsRecorder } from '../metrics/recorder.js';
import type { ObserverEvent } from '../observer.js';
import type { PeerFactory } from '../peer-factory.js';
import { DEFAULT_NEGOTIATION_TIMING } from '../signaling/negotiator.js';
import type { MediaPath, RtcMessage, SessionCloseReason, SessionConfig } from '../types.js';
import { Call } from './call.js';
import { RtcSession, type SessionHost, type SessionTiming, type TimingOptions } from './session.js';

export interface EngineEvents {
  message: [RtcMessage];
  sessionClosed: [SessionConfig, SessionCloseReason];
  observer: [ObserverEvent];
}

export interface EngineOptions {
  logger: Logger;
  recorder: MetricsRecorder;
  factory: PeerFactory;
  worker?: number;
  timing?: TimingOptions;
  /** Who moves media packets (default `fast`). */
  mediaPath?: MediaPath;
}

export const DEFAULT_SESSION_TIMING: SessionTiming = {
  signalingTimeoutMs: 10_000,
  negotiation: DEFAULT_NEGOTIATION_TIMING,
};

class Group {
  readonly calls = new Map<string, Call>();
  constructor(readonly id: string) {}
}

export class RtcEngine extends EventEmitter<EngineEvents> {
  private readonly groups = new Map<string, Group>();
  private readonly sessions = new Map<string, RtcSession>();
  private readonly host: SessionHost;
  private readonly closeWaiters = new Map<string, (() => void)[]>();
  private readonly logger: Logger;
  private readonly recorder: MetricsRecorder;
  private readonly worker: number;

  constructor(opts: EngineOptions) {
    super();
    this.logger = opts.logger;
    this.recorder = opts.recorder;
    this.worker = opts.worker ?? 0;
    const timing: SessionTiming = {
      signalingTimeoutMs: opts.timing?.signalingTimeoutMs ?? DEFAULT_SESSION_TIMING.signalingTimeoutMs,
      negotiation: { ...DEFAULT_SESSION_TIMING.negotiation, ...opts.timing?.negotiation },
    };
    this.host = {
      logger: opts.logger,
      recorder: opts.recorder,
      factory: opts.factory,
      timing,
      worker: this.worker,
      mediaPath: opts.mediaPath ?? 'fast',
      historySize: opts.factory.config.nackBufferSize || 256,
      emitMessage: (msg) => this.emit('message', msg),
      observe: (ev) => this.emit('observer', ev),
      ended: (session, reason) => this.onSessionEnded(session, reason),
    };
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get callCount(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.calls.size;
    return n;
  }

  hasSession(sessionID: string): boolean {
    return this.sessions.has(sessionID);
  }

  /** Creates a session (and its call and group when new). Throws RtcError on invalid/duplicate configs. */
  initSession(cfg: SessionConfig): void {
    validateSessionConfig(cfg);
    if (this.sessions.has(cfg.sessionID)) {
      throw new RtcError('duplicate_session', `session ${cfg.sessionID} already exists`);
    }
    let group = this.groups.get(cfg.groupID);
    if (!group) {
      group = new Group(cfg.groupID);
      this.groups.set(group.id, group);
    }
    let call = group.calls.get(cfg.callID);
    let newCall = false;
    if (!call) {
      call = new Call(cfg.groupID, cfg.callID, this.recorder);
      group.calls.set(call.id, call);
      newCall = true;
    }
    let session: RtcSession;
    try {
      session = new RtcSession({ ...cfg, props: { ...cfg.props } }, call, this.host);
    } catch (err) {
      if (call.size === 0) this.dropCall(group, call);
      throw new RtcError('invalid_session_config', `failed to create the peer connection: ${String(err)}`, { cause: err });
    }
    call.add(session);
    this.sessions.set(cfg.sessionID, session);
    this.recorder.gauge('sessions', [cfg.groupID], 1);
    if (newCall) {
      this.recorder.gauge('calls', [cfg.groupID], 1);
      this.emit('observer', { event: 'newcall', data: { groupID: cfg.groupID, callID: cfg.callID, worker: this.worker } });
    }
    this.emit('observer', { event: 'newsession', data: { cfg: session.cfg, worker: this.worker } });
    this.logger.debug({ sessionID: cfg.sessionID, callID: cfg.callID, groupID: cfg.groupID }, 'session created');
  }

  /** Routes a client message to its session; false (and a counted error) when the session is unknown. */
  handleMessage(msg: RtcMessage): boolean {
    const session = this.sessions.get(msg.sessionID);
    if (!session) {
      this.recorder.error(msg.groupID ?? '', 'session_not_found');
      this.logger.debug({ sessionID: msg.sessionID, type: msg.type }, 'message for an unknown session');
      return false;
    }
    session.handleMessage(msg);
    return true;
  }

  /** Closes a session; resolves once it has ended (false when there was no such session). */
  closeSession(sessionID: string, reason: SessionCloseReason = 'closed'): Promise<boolean> {
    const session = this.sessions.get(sessionID);
    if (!session) return Promise.resolve(false);
    const done = new Promise<boolean>((resolve) => {
      const list = this.closeWaiters.get(sessionID) ?? [];
      list.push(() => resolve(true));
      this.closeWaiters.set(sessionID, list);
    });
    session.close(reason);
    return done;
  }

  /** Closes every session (stop without drain). */
  async closeAll(reason: SessionCloseReason): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.closeSession(id, reason)));
  }

  /** Test hook: the session object (inline mode only). */
  getSession(sessionID: string): RtcSession | undefined {
    return this.sessions.get(sessionID);
  }

  private dropCall(group: Group, call: Call): void {
    call.close();
    group.calls.delete(call.id);
    if (group.calls.size === 0) this.groups.delete(group.id);
  }

  private onSessionEnded(session: RtcSession, reason: SessionCloseReason): void {
    const cfg = session.cfg;
    if (this.sessions.get(cfg.sessionID) !== session) return;
    this.sessions.delete(cfg.sessionID);
    this.recorder.gauge('sessions', [cfg.groupID], -1);
    const group = this.groups.get(cfg.groupID);
    const call = group?.calls.get(cfg.callID);
    if (group && call && call.size === 0) {
      this.dropCall(group, call);
      this.recorder.gauge('calls', [cfg.groupID], -1);
      this.emit('observer', { event: 'callclose', data: { groupID: cfg.groupID, callID: cfg.callID, worker: this.worker } });
    }
    this.logger.debug({ sessionID: cfg.sessionID, reason }, 'session closed');
    this.emit('observer', { event: 'sessionclose', data: { cfg, reason, worker: this.worker } });
    this.emit('sessionClosed', cfg, reason);
    const waiters = this.closeWaiters.get(cfg.sessionID);
    this.closeWaiters.delete(cfg.sessionID);
    for (const w of waiters ?? []) w();
  }
}

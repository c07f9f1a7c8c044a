// The one interface between the Calls plugin's call logic and the media layer. Two implementations:
// the embedded SFU (the rtc library in this process, group "default") and rtcd (one or more remote
// daemons over their WebSocket API). Call logic never knows which one it talks to.
import type { EventEmitter } from 'node:events';
import type { RtcMessage, SessionConfig } from '@calls-ts/rtcd/rtc';

export interface MediaBackendEvents {
  /** SDP/ICE for a session's client, or VoiceOn/VoiceOff. `sessionID` is the session's original connection id. */
  message: [RtcMessage];
  /** The media side ended a session on its own (peer connection failed, signaling timeout, node lost). */
  sessionClosed: [sessionID: string];
  /**
   * rtcd only: a media node is gone for good (its address left DNS, or it could not be reached again);
   * every call pinned to it must be cleaned up by the call logic.
   */
  hostGone: [host: string];
}

export interface MediaBackendInfo {
  kind: 'embedded' | 'rtcd';
  /** rtcd `/version` of each connected node (rtcd mode), for the plugin's `/version` route. */
  rtcdVersions?: Record<string, Record<string, string>>;
}

export interface MediaBackend extends EventEmitter<MediaBackendEvents> {
  readonly kind: 'embedded' | 'rtcd';
  start(): Promise<void>;
  /** Stops taking sessions and closes connections; embedded mode ends its sessions. */
  stop(): Promise<void>;
  /**
   * Where a new call's media goes: the node id to persist with the call (rtcd: the least loaded node by
   * `/system` cpu_load) or undefined (embedded). Rejects when no media node can take calls.
   */
  pickHostForNewCall(): Promise<string | undefined>;
  /** Starts the RTC session of a joining user on `host` (the call's pinned node; ignored when embedded). */
  initSession(cfg: SessionConfig, host: string | undefined): Promise<void>;
  /** The user's WebSocket reconnected: route the session's messages to this plugin again (rtcd `reconnect`). */
  reconnectSession(sessionID: string, host: string | undefined): Promise<void>;
  closeSession(sessionID: string, host: string | undefined): Promise<void>;
  /** Relays a client message (SDP, ICE, Mute, Unmute, ScreenOn, ScreenOff) to the session's media node. */
  send(msg: RtcMessage, host: string | undefined): void;
  /**
   * The sessions the media side still has for a call, used to reconcile call state after a plugin restart;
   * undefined when the media side cannot tell (node unreachable).
   */
  callSessions(callID: string, host: string | undefined): Promise<SessionConfig[] | undefined>;
  info(): MediaBackendInfo;
}

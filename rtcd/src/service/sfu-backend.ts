// What the daemon needs from the SFU library (rtcd/src/rtc). Kept as an interface so that the WS and
// HTTP layers depend on this small surface only.
import type { RtcMessage, SessionCloseReason, SessionConfig } from '../rtc/types.js';

export interface SfuBackend {
  on(event: 'message', listener: (msg: RtcMessage) => void): unknown;
  on(event: 'sessionClosed', listener: (cfg: SessionConfig, reason: SessionCloseReason) => void): unknown;
  off(event: 'message', listener: (msg: RtcMessage) => void): unknown;
  off(event: 'sessionClosed', listener: (cfg: SessionConfig, reason: SessionCloseReason) => void): unknown;
  /** Creates the session; throws (or rejects) on an invalid config or a duplicate session id. */
  initSession(cfg: SessionConfig): void | Promise<void>;
  /** Ends a session; `sessionClosed` follows. Throws when the session is unknown. */
  closeSession(sessionID: string): void | Promise<void>;
  /** Signaling or control for a session (ICE, SDP, Mute, Unmute, ScreenOn, ScreenOff...). */
  send(msg: RtcMessage): void;
  /** Throws Error('group not found' | 'call not found' | 'no sessions found'). */
  getSessionConfigs(groupID: string, callID: string): SessionConfig[];
  /** Throws Error('group not found' | 'call not found' | 'session not found'). */
  getSessionConfig(groupID: string, callID: string, sessionID: string): SessionConfig;
  /** Number of live sessions (for draining). */
  readonly sessionCount: number;
}

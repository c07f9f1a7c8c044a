// One call and its sessions as loaded under the call lock: host election, participants, and the client view
// (CallStateClient, the `call_state` event and GET /{channel_id}).
import type { Call, CallSession } from '../store/types.js';
import { emptyStats } from '../store/types.js';

/** A session as clients see it (calls-common SessionState, plus `video`). */
export interface SessionStateClient {
  session_id: string;
  user_id: string;
  unmuted: boolean;
  raised_hand: number;
  video: boolean;
}

/**
 * The reference's CallStateClient plus its deprecated fields (`users`, `states`, `screen_sharing_id`), which
 * calls-common's CallState type still declares: old and new clients both read it.
 */
export interface CallStateClient {
  id: string;
  start_at: number;
  users: string[];
  states: SessionStateClient[];
  sessions: SessionStateClient[];
  thread_id: string;
  post_id: string;
  screen_sharing_id: string;
  screen_sharing_session_id: string;
  owner_id: string;
  host_id: string;
  dismissed_notification?: Record<string, boolean>;
}

export class CallState {
  constructor(
    readonly call: Call,
    /** By session id (original connection id), in join order. */
    readonly sessions: Map<string, CallSession>,
  ) {}

  static create(p: { id: string; channelID: string; ownerID: string; title: string; now: number; rtcdHost?: string; nodeID?: string }): CallState {
    const call: Call = {
      id: p.id,
      channel_id: p.channelID,
      start_at: p.now,
      end_at: 0,
      create_at: p.now,
      delete_at: 0,
      title: p.title,
      post_id: '',
      thread_id: '',
      owner_id: p.ownerID,
      participants: [],
      stats: emptyStats(),
      props: { ...(p.rtcdHost ? { rtcd_host: p.rtcdHost } : {}), ...(p.nodeID ? { node_id: p.nodeID } : {}) },
    };
    return new CallState(call, new Map());
  }

  get hostID(): string {
    return this.call.props.hosts?.[0] ?? '';
  }

  set hostID(id: string) {
    this.call.props.hosts = id ? [id] : [];
  }

  get screenSharingSessionID(): string {
    return this.call.props.screen_sharing_session_id ?? '';
  }

  isUserInCall(userID: string): boolean {
    for (const s of this.sessions.values()) if (s.user_id === userID) return true;
    return false;
  }

  /** User ids of the current sessions, each once: the "participants" events go to. */
  userIDs(): string[] {
    return [...new Set([...this.sessions.values()].map((s) => s.user_id))];
  }

  sessionsOf(userID: string): CallSession[] {
    return [...this.sessions.values()].filter((s) => s.user_id === userID);
  }

  /**
   * Who should host: the locked host (make-host) while present, else the current host while present, else
   * the session that joined first. '' when nobody is left.
   */
  electHost(): string {
    const locked = this.call.props.host_locked_user_id;
    if (locked && this.isUserInCall(locked)) return locked;
    if (this.hostID && this.isUserInCall(this.hostID)) return this.hostID;
    let first: CallSession | undefined;
    for (const s of this.sessions.values()) if (!first || s.join_at < first.join_at) first = s;
    return first?.user_id ?? '';
  }

  clientState(forUserID: string): CallStateClient {
    const states = [...this.sessions.values()].map((s) => ({
      session_id: s.id,
      user_id: s.user_id,
      unmuted: s.unmuted,
      raised_hand: s.raised_hand,
      video: s.video,
    }));
    const screenSession = this.sessions.get(this.screenSharingSessionID);
    const out: CallStateClient = {
      id: this.call.id,
      start_at: this.call.start_at,
      users: states.map((s) => s.user_id),
      states,
      sessions: states,
      thread_id: this.call.thread_id,
      post_id: this.call.post_id,
      screen_sharing_id: screenSession?.user_id ?? '',
      screen_sharing_session_id: this.screenSharingSessionID,
      owner_id: this.call.owner_id,
      host_id: this.hostID,
    };
    // Only the requesting user's own flag is shown.
    if (this.call.props.dismissed_notification?.[forUserID]) out.dismissed_notification = { [forUserID]: true };
    return out;
  }

  /** Marks the call ended (the reference's setCallEnded): participants move from props to the call. */
  markEnded(now: number): void {
    const p = this.call.props;
    if (p.screen_start_at && p.screen_start_at > 0) {
      this.call.stats.screen_duration += secondsSince(p.screen_start_at, now);
      p.screen_start_at = 0;
    }
    for (const started of Object.values(p.video_start_at ?? {})) {
      if (started > 0) this.call.stats.video_duration += secondsSince(started, now);
    }
    this.call.end_at = now;
    this.call.participants = Object.keys(p.participants ?? {});
    delete p.rtcd_host;
    delete p.dismissed_notification;
    delete p.node_id;
    delete p.hosts;
    delete p.participants;
    delete p.video_start_at;
    delete p.screen_sharing_session_id;
  }
}

/** Whole seconds from a Unix-seconds timestamp to `nowMs`. */
export function secondsSince(unixSeconds: number, nowMs: number): number {
  return Math.max(0, Math.round(nowMs / 1000 - unixSeconds));
}

// Which WebSocket link speaks for each RTC session (the reference's connMap): outbound rtc/vad go to the
// link that last joined or reconnected the session; `close` goes to the link captured at join. Sessions
// outlive their links: a dropped plugin connection only leaves its sessions without a route until the
// plugin reconnects and sends `reconnect`.
import type { SessionConfig } from '../rtc/types.js';

export interface RoutedSession {
  cfg: SessionConfig;
  joinConnID: string;
  routeConnID: string;
}

export class SessionRouter {
  private readonly sessions = new Map<string, RoutedSession>();

  get size(): number {
    return this.sessions.size;
  }

  add(cfg: SessionConfig, connID: string): void {
    this.sessions.set(cfg.sessionID, { cfg, joinConnID: connID, routeConnID: connID });
  }

  get(sessionID: string): RoutedSession | undefined {
    return this.sessions.get(sessionID);
  }

  /** The session if it exists and belongs to `groupID` (a client never touches another client's sessions). */
  owned(sessionID: string, groupID: string): RoutedSession | undefined {
    const s = this.sessions.get(sessionID);
    return s && s.cfg.groupID === groupID ? s : undefined;
  }

  countForGroup(groupID: string): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.cfg.groupID === groupID) n++;
    return n;
  }

  reroute(sessionID: string, connID: string): void {
    const s = this.sessions.get(sessionID);
    if (s) s.routeConnID = connID;
  }

  remove(sessionID: string): RoutedSession | undefined {
    const s = this.sessions.get(sessionID);
    this.sessions.delete(sessionID);
    return s;
  }
}

// The call sessions this process serves, by current connection id and by session id (original connection id).
import type { UserSession } from './user-session.js';

export class SessionRegistry {
  private readonly byConn = new Map<string, UserSession>();
  private readonly byOriginal = new Map<string, UserSession>();

  add(s: UserSession): void {
    this.byConn.set(s.connID, s);
    this.byOriginal.set(s.originalConnID, s);
  }

  /** Moves a session to a new connection id (WebSocket reconnect). */
  rekey(s: UserSession, connID: string): void {
    if (this.byConn.get(s.connID) === s) this.byConn.delete(s.connID);
    this.byConn.set(connID, s);
  }

  remove(s: UserSession): void {
    if (this.byConn.get(s.connID) === s) this.byConn.delete(s.connID);
    if (this.byOriginal.get(s.originalConnID) === s) this.byOriginal.delete(s.originalConnID);
  }

  byConnID(connID: string): UserSession | undefined {
    return this.byConn.get(connID);
  }

  bySessionID(sessionID: string): UserSession | undefined {
    return this.byOriginal.get(sessionID);
  }

  forCall(callID: string): UserSession[] {
    return [...this.byOriginal.values()].filter((s) => s.callID === callID);
  }

  all(): UserSession[] {
    return [...this.byOriginal.values()];
  }

  get size(): number {
    return this.byOriginal.size;
  }
}

// Bearer tokens issued by /login: one live token per client (a new login replaces the old one), kept in
// memory only, as the reference. Bounded by the number of registered clients.
import { randomBytes } from 'node:crypto';

interface Entry {
  clientID: string;
  expiresAt: number;
}

export class SessionCache {
  private readonly byToken = new Map<string, Entry>();
  private readonly byClient = new Map<string, string>();

  constructor(private readonly ttlMs: number) {}

  /** Issues a new 32-char base64url token for the client, replacing any previous one. */
  issue(clientID: string): string {
    this.delete(clientID);
    const token = randomBytes(24).toString('base64url');
    this.byToken.set(token, { clientID, expiresAt: Date.now() + this.ttlMs });
    this.byClient.set(clientID, token);
    return token;
  }

  /** The client a token belongs to; undefined when unknown or expired (expired tokens are dropped). */
  lookup(token: string): string | undefined {
    const e = this.byToken.get(token);
    if (!e) return undefined;
    if (e.expiresAt <= Date.now()) {
      this.byToken.delete(token);
      this.byClient.delete(e.clientID);
      return undefined;
    }
    return e.clientID;
  }

  delete(clientID: string): void {
    const token = this.byClient.get(clientID);
    if (token === undefined) return;
    this.byClient.delete(clientID);
    this.byToken.delete(token);
  }
}

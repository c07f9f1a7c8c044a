// TURN REST credentials (the coturn `use-auth-secret` scheme, as the reference GenTURNConfigs):
// username `<unixExpiry>:<id>`, credential base64(HMAC-SHA1(secret, username)). The plugin hands these to
// browsers (`/turn-credentials`), and the SFU uses them for its own TURN entries.
import { createHmac } from 'node:crypto';
import type { IceServerConfig } from '../types.js';

export interface TurnCredentials {
  username: string;
  credential: string;
}

/** Credentials for `id` that expire at `expiresAtUnix` (seconds). */
export function genTurnCredentials(id: string, secret: string, expiresAtUnix: number): TurnCredentials {
  if (!id) throw new Error('TURN credentials: id must not be empty');
  if (!secret) throw new Error('TURN credentials: secret must not be empty');
  if (!Number.isInteger(expiresAtUnix) || expiresAtUnix <= 0) {
    throw new Error('TURN credentials: expiry must be a positive unix time');
  }
  const username = `${expiresAtUnix}:${id}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/**
 * For every configured server without a username and credential, a copy with fresh credentials valid for
 * `expiryMinutes` (servers that carry their own credentials are skipped, as in the reference).
 */
export function genTurnConfigs(
  servers: IceServerConfig[],
  id: string,
  secret: string,
  expiryMinutes: number,
  nowMs = Date.now(),
): IceServerConfig[] {
  const expiresAt = Math.floor((nowMs + expiryMinutes * 60_000) / 1000);
  const out: IceServerConfig[] = [];
  for (const s of servers) {
    if (s.username || s.credential) continue;
    if (!s.urls.every((u) => /^turns?:/i.test(u))) continue;
    out.push({ urls: [...s.urls], ...genTurnCredentials(id, secret, expiresAt) });
  }
  return out;
}

/** The first `stun:` URL of the list as host and port, the one public-address discovery queries. */
export function firstStunServer(servers: IceServerConfig[]): { host: string; port: number } | null {
  for (const s of servers) {
    for (const url of s.urls) {
      const m = /^stun:(\[[^\]]+\]|[^:?]+)(?::(\d+))?/i.exec(url.trim());
      if (m) return { host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : 3478 };
    }
  }
  return null;
}

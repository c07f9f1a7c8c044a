import type { IncomingHttpHeaders } from 'node:http';

export const SESSION_COOKIE = 'MMAUTHTOKEN';
export const USER_COOKIE = 'MMUSERID';
export const CSRF_COOKIE = 'MMCSRF';

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      continue;
    }
    if (name && !out.has(name)) out.set(name, value);
  }
  return out;
}

export interface TokenSource {
  token: string;
  /** Cookie-authenticated requests need CSRF protection; header tokens do not. */
  viaCookie: boolean;
}

/** The session token of a request: `Authorization: Bearer|Token <t>` first, then the session cookie. */
export function readAuthToken(headers: IncomingHttpHeaders): TokenSource | undefined {
  const auth = headers.authorization;
  if (auth) {
    const m = /^(bearer|token)\s+(\S+)$/i.exec(auth.trim());
    if (m) return { token: m[2]!, viaCookie: false };
  }
  const cookie = parseCookies(headers.cookie).get(SESSION_COOKIE);
  if (cookie) return { token: cookie, viaCookie: true };
  return undefined;
}

/** A browser's cross-site request would carry an Origin that differs from the Host it talks to. */
export function isSameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}

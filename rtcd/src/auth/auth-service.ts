// Client registration and authentication as the reference (service/auth/service.go, service/auth.go):
// auth keys stored as bcrypt hashes, bcrypt work rate-limited (12/s per CPU, burst 1, wait ≤ 10 s),
// Basic `clientID:authKey`, Bearer tokens from /login, and an optional admin secret.
import { timingSafeEqual, createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import bcrypt from 'bcryptjs';
import { Counter, type Registry } from 'prom-client';
import type { ClientStore } from '../store/client-store.js';
import { RateLimitError, WaitingRateLimiter } from './rate-limiter.js';
import { SessionCache } from './session-cache.js';

export const MIN_KEY_LEN = 32;
export const MAX_ID_LEN = 128;
export const MAX_KEY_LEN = 72; // bcrypt ignores bytes past 72: refuse rather than silently truncate
const BCRYPT_COST = 10; // Go's bcrypt.DefaultCost

export type AuthFailureReason = 'missing' | 'malformed' | 'unknown_client' | 'bad_key' | 'bad_token' | 'rate_limited';

/** An authentication or registration failure; `message` is what the HTTP API returns. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface Identity {
  /** '' for the admin identity. */
  clientID: string;
  admin: boolean;
}

export interface AuthOptions {
  store: ClientStore;
  registry: Registry;
  enableAdmin: boolean;
  adminSecretKey: string;
  sessionTtlMs: number;
  /** Called after a client is unregistered (its metric series are deleted). */
  onUnregister?: (clientID: string) => void;
  /** bcrypt operations per second (default 12 × CPUs, the reference's MM-53483 limit). */
  ratePerSecond?: number;
  /** Longest wait for a bcrypt slot before failing (default 10 s). */
  maxWaitMs?: number;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export class AuthService {
  readonly sessions: SessionCache;
  private readonly limiter: WaitingRateLimiter;
  private readonly failures: Counter<'reason'>;
  private readonly adminDigest: Buffer | undefined;

  constructor(private readonly opts: AuthOptions) {
    this.sessions = new SessionCache(opts.sessionTtlMs);
    this.limiter = new WaitingRateLimiter(opts.ratePerSecond ?? 12 * availableParallelism(), 1, opts.maxWaitMs ?? 10_000);
    this.failures = new Counter({
      name: 'rtcd_auth_failures_total',
      help: 'Failed authentication attempts by reason.',
      labelNames: ['reason'],
      registers: [opts.registry],
    });
    this.adminDigest = opts.enableAdmin && opts.adminSecretKey ? digest(opts.adminSecretKey) : undefined;
  }

  private fail(reason: AuthFailureReason, message: string): never {
    this.failures.inc({ reason });
    throw new AuthError(message, 401);
  }

  // Rate-limit refusals keep the route's usual failure status (401 auth, 400 register/login), as the reference.
  private async limited<T>(what: string, status: number, fn: () => Promise<T>): Promise<T> {
    try {
      await this.limiter.wait();
    } catch (err) {
      if (err instanceof RateLimitError) {
        this.failures.inc({ reason: 'rate_limited' });
        throw new AuthError(`${what} failed: rate limited`, status);
      }
      throw err;
    }
    return fn();
  }

  /** Checks clientID + authKey against the stored hash. */
  async authenticate(clientID: string, authKey: string): Promise<void> {
    const hash = this.opts.store.get(clientID);
    if (hash === undefined) this.fail('unknown_client', 'authentication failed');
    const ok = await this.limited('authentication', 401, () => bcrypt.compare(authKey, hash));
    if (!ok) this.fail('bad_key', 'authentication failed');
  }

  /** The identity behind an `Authorization` header (Bearer token, admin secret, or client key). */
  async authorize(header: string | undefined): Promise<Identity> {
    if (!header) this.fail('missing', 'authentication failed: invalid auth header');
    if (/^bearer /i.test(header)) {
      const clientID = this.sessions.lookup(header.slice(7));
      if (clientID === undefined) this.fail('bad_token', 'authentication failed: session not found');
      return { clientID, admin: false };
    }
    const m = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header);
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 0) this.fail('malformed', 'authentication failed: invalid auth header');
    const clientID = decoded.slice(0, colon);
    const authKey = decoded.slice(colon + 1);
    if (this.adminDigest && timingSafeEqual(digest(authKey), this.adminDigest)) return { clientID: '', admin: true };
    if (!clientID) this.fail('unknown_client', 'authentication failed: unauthorized');
    await this.authenticate(clientID, authKey);
    return { clientID, admin: false };
  }

  async register(clientID: string, authKey: string): Promise<void> {
    const bad = (msg: string) => new AuthError(`registration failed: ${msg}`, 400);
    if (!clientID) throw bad('error: empty key');
    if (clientID.length > MAX_ID_LEN) throw bad(`client id longer than ${MAX_ID_LEN} characters`);
    if (authKey.length < MIN_KEY_LEN) throw bad('key not long enough');
    if (Buffer.byteLength(authKey) > MAX_KEY_LEN) throw bad(`key longer than ${MAX_KEY_LEN} bytes`);
    if (this.opts.store.get(clientID) !== undefined) throw bad('already registered');
    const hash = await this.limited('registration', 400, () => bcrypt.hash(authKey, BCRYPT_COST));
    // a concurrent registration of the same id may have won while we hashed
    if (this.opts.store.get(clientID) !== undefined) throw bad('already registered');
    try {
      this.opts.store.set(clientID, hash);
    } catch (err) {
      throw bad((err as Error).message);
    }
  }

  unregister(clientID: string): void {
    if (!this.opts.store.delete(clientID)) throw new AuthError('unregister failed: not found', 400);
    this.sessions.delete(clientID);
    this.opts.onUnregister?.(clientID);
  }

  async login(clientID: string, authKey: string): Promise<string> {
    try {
      await this.authenticate(clientID, authKey);
    } catch (err) {
      if (err instanceof AuthError) throw new AuthError(`login failed: ${err.message}`, 400);
      throw err;
    }
    return this.sessions.issue(clientID);
  }
}

import bcrypt from 'bcryptjs';
import type { Store, UserRecord, SessionRecord, AccessTokenRecord } from '../store/index.js';
import { UniqueViolation } from '../store/index.js';
import { newId, newToken } from '../ids.js';
import { AppError, badRequest, forbidden, notFound, unauthorized } from '../errors.js';
import type { EventPublisher } from '../websocket/events.js';
import { WsEvents } from '../websocket/events.js';
import { isSystemAdmin, type Actor } from './permissions.js';

export interface NewUser {
  username: string;
  email: string;
  password: string;
  first_name?: string;
  last_name?: string;
  nickname?: string;
  locale?: string;
}

export interface UsersOptions {
  /** bcrypt cost; tests lower it, production keeps 10. */
  passwordHashCost: number;
  sessionLengthMs: number;
  /** When false, only admins create accounts (the very first account can always be created). */
  enableOpenSignup: boolean;
}

export interface AuthResult {
  session: SessionRecord;
  user: UserRecord;
}

const USERNAME_RE = /^[a-z][a-z0-9._-]{2,21}$/;
const RESERVED_USERNAMES = new Set(['all', 'channel', 'here', 'matterbot', 'system', 'admin', 'root']);
const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;
const DEFAULT_NOTIFY_PROPS = {
  desktop: 'mention', desktop_sound: 'true', email: 'true', push: 'mention', channel: 'true', comments: 'never',
  first_name: 'false', mention_keys: '', push_status: 'online', mark_unread: 'all', calls_desktop_sound: 'true',
  highlight_keys: '',
};

export function validateUsername(username: string): void {
  if (!USERNAME_RE.test(username) || RESERVED_USERNAMES.has(username)) {
    throw badRequest(
      'model.user.is_valid.username.app_error',
      'Username must begin with a letter, and contain between 3 to 22 lowercase characters made up of numbers, letters, and the symbols ".", "-", and "_".',
    );
  }
}

/** Accounts, passwords, sessions, personal access tokens and bot users. */
export class Users {
  private dummyHash: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly events: EventPublisher,
    private readonly opts: UsersOptions,
    /** Called after a user is created (joins the default team). */
    private readonly onCreated: (user: UserRecord) => Promise<void>,
  ) {}

  async create(input: NewUser, creator?: Actor): Promise<UserRecord> {
    const username = input.username.trim().toLowerCase();
    const email = input.email.trim().toLowerCase();
    validateUsername(username);
    if (!EMAIL_RE.test(email) || email.length > 128) {
      throw badRequest('model.user.is_valid.email.app_error', 'Please enter a valid email address.');
    }
    if (input.password.length < 8 || Buffer.byteLength(input.password) > 72) {
      throw badRequest('model.user.is_valid.pwd.app_error', 'Your password must contain between 8 and 72 characters.');
    }
    const hash = await bcrypt.hash(input.password, this.opts.passwordHashCost);
    const now = Date.now();
    const user = await this.store.transaction(async (tx) => {
      const first = (await tx.users.count()) === 0;
      if (!first && !this.opts.enableOpenSignup && !(creator && isSystemAdmin(creator.roles))) {
        throw forbidden('User sign-up is disabled on this server. Ask a system admin for an account.', 'api.user.create_user.signup_email_disabled.app_error');
      }
      const record: UserRecord = {
        id: newId(), create_at: now, update_at: now, delete_at: 0, username, email, password: hash,
        nickname: input.nickname ?? '', first_name: input.first_name ?? '', last_name: input.last_name ?? '',
        position: '', roles: first ? 'system_admin system_user' : 'system_user', locale: input.locale ?? 'en',
        props: {}, notify_props: { ...DEFAULT_NOTIFY_PROPS }, last_password_update: now, is_bot: false,
        bot_description: '', bot_owner_id: '',
      };
      try {
        await tx.users.create(record);
      } catch (err) {
        if (err instanceof UniqueViolation) {
          const taken = (await tx.users.getByUsername(username)) ? 'username' : 'email';
          throw badRequest(
            taken === 'username' ? 'app.user.save.username_exists.app_error' : 'app.user.save.email_exists.app_error',
            taken === 'username' ? 'An account with that username already exists.' : 'An account with that email already exists.',
          );
        }
        throw err;
      }
      return record;
    });
    await this.onCreated(user);
    await this.events.publish(WsEvents.NewUser, { user_id: user.id }, {});
    return user;
  }

  /** A bot user owned by a plugin (Mattermost's EnsureBotUser): created once, found by username after. */
  async ensureBot(ownerId: string, username: string, displayName: string, description: string): Promise<UserRecord> {
    const name = username.trim().toLowerCase();
    validateUsername(name);
    const existing = await this.store.users.getByUsername(name);
    if (existing) {
      if (!existing.is_bot) throw badRequest('app.bot.create_bot.username_taken', `The username ${name} belongs to a user, not a bot.`);
      return existing;
    }
    const now = Date.now();
    const bot: UserRecord = {
      id: newId(), create_at: now, update_at: now, delete_at: 0, username: name, email: `${name}@bots.localhost`,
      password: '', nickname: displayName, first_name: displayName, last_name: '', position: '', roles: 'system_user',
      locale: 'en', props: {}, notify_props: { ...DEFAULT_NOTIFY_PROPS }, last_password_update: 0, is_bot: true,
      bot_description: description, bot_owner_id: ownerId,
    };
    try {
      await this.store.users.create(bot);
    } catch (err) {
      // Two processes ensuring the same bot at once: the other one won.
      if (err instanceof UniqueViolation) return (await this.store.users.getByUsername(name))!;
      throw err;
    }
    await this.onCreated(bot);
    return bot;
  }

  async get(id: string): Promise<UserRecord> {
    const user = await this.store.users.get(id);
    if (!user) throw notFound('User', 'app.user.missing_account.const');
    return user;
  }

  async login(loginId: string, password: string): Promise<AuthResult> {
    const id = loginId.trim().toLowerCase();
    const user = id.includes('@') ? await this.store.users.getByEmail(id) : await this.store.users.getByUsername(id);
    // Compare against a real hash even when the user is unknown, so that timing does not reveal usernames.
    this.dummyHash ??= await bcrypt.hash(newToken(), this.opts.passwordHashCost);
    const hash = user?.password || this.dummyHash;
    const ok = await bcrypt.compare(password, hash).catch(() => false);
    if (!user || !ok || user.is_bot || user.delete_at) {
      throw unauthorized('Enter a valid email or username and/or password.', 'api.user.login.invalid_credentials_email_username');
    }
    const now = Date.now();
    const session: SessionRecord = {
      id: newId(), token: newToken(), user_id: user.id, create_at: now, expires_at: now + this.opts.sessionLengthMs,
      last_activity_at: now, csrf_token: newToken(), is_access_token: false,
    };
    await this.store.sessions.create(session);
    return { session, user };
  }

  /** Resolves a session token or a personal access token; undefined when neither is valid. */
  async authenticate(token: string): Promise<AuthResult | undefined> {
    if (!token || token.length > 64) return undefined;
    const now = Date.now();
    let session = await this.store.sessions.getByToken(token);
    if (session && session.expires_at > 0 && session.expires_at < now) {
      await this.store.sessions.remove(session.id);
      session = undefined;
    }
    if (!session) {
      const pat = await this.store.sessions.getAccessTokenByToken(token);
      if (!pat || !pat.is_active) return undefined;
      session = {
        id: `pat_${pat.id}`, token, user_id: pat.user_id, create_at: pat.create_at, expires_at: 0,
        last_activity_at: now, csrf_token: '', is_access_token: true,
      };
    }
    const user = await this.store.users.get(session.user_id);
    if (!user || user.delete_at) return undefined;
    return { session, user };
  }

  async logout(session: SessionRecord): Promise<void> {
    if (!session.is_access_token) await this.store.sessions.remove(session.id);
  }

  async createAccessToken(actor: Actor, userId: string, description: string): Promise<AccessTokenRecord> {
    if (actor.userId !== userId && !isSystemAdmin(actor.roles)) throw forbidden();
    await this.get(userId);
    const record: AccessTokenRecord = {
      id: newId(), token: newToken(), user_id: userId, description: description.slice(0, 512), is_active: true,
      create_at: Date.now(),
    };
    await this.store.sessions.createAccessToken(record);
    return record;
  }

  async revokeAccessToken(actor: Actor, tokenId: string): Promise<void> {
    const token = await this.store.sessions.getAccessToken(tokenId);
    if (!token) throw notFound('Access token');
    if (token.user_id !== actor.userId && !isSystemAdmin(actor.roles)) throw forbidden();
    await this.store.sessions.revokeAccessToken(tokenId);
  }

  async updateRoles(actor: Actor, userId: string, roles: string): Promise<UserRecord> {
    if (!isSystemAdmin(actor.roles)) throw forbidden();
    const parts = roles.split(' ').filter(Boolean);
    if (!parts.every((r) => r === 'system_user' || r === 'system_admin') || !parts.includes('system_user')) {
      throw new AppError(400, 'api.user.update_user_roles.invalid', 'Roles must be "system_user" or "system_user system_admin".');
    }
    const user = await this.get(userId);
    user.roles = parts.join(' ');
    user.update_at = Date.now();
    await this.store.users.update(user);
    return user;
  }
}

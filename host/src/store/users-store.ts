import type { SqlExecutor } from './sql.js';
import { placeholders } from './sql.js';
import { bool, limitOffset, parseJson } from './rows.js';
import type { AccessTokenRecord, SessionRecord, SessionStore, UserQuery, UserRecord, UserStore } from './types.js';

const USER_COLUMNS =
  'id, create_at, update_at, delete_at, username, email, password, nickname, first_name, last_name, position, roles, locale, props, notify_props, last_password_update, is_bot, bot_description, bot_owner_id';

type UserRow = Omit<UserRecord, 'props' | 'notify_props' | 'is_bot'> & { props: string; notify_props: string; is_bot: number };

function toUser(row: UserRow): UserRecord {
  return {
    ...row,
    props: parseJson(row.props, {}),
    notify_props: parseJson(row.notify_props, {}),
    is_bot: bool(row.is_bot),
  };
}

function userParams(u: UserRecord) {
  return [
    u.id, u.create_at, u.update_at, u.delete_at, u.username, u.email, u.password, u.nickname, u.first_name,
    u.last_name, u.position, u.roles, u.locale, JSON.stringify(u.props), JSON.stringify(u.notify_props),
    u.last_password_update, u.is_bot, u.bot_description, u.bot_owner_id,
  ];
}

export class SqlUserStore implements UserStore {
  constructor(private readonly db: SqlExecutor) {}

  async create(user: UserRecord): Promise<void> {
    await this.db.run(`INSERT INTO users (${USER_COLUMNS}) VALUES (${placeholders(19)})`, userParams(user));
  }

  async get(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.get<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`, [id]);
    return row && toUser(row);
  }

  async getMany(ids: readonly string[]): Promise<UserRecord[]> {
    if (!ids.length) return [];
    const rows = await this.db.all<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id IN (${placeholders(ids.length)})`, ids);
    return rows.map(toUser);
  }

  async getByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.get<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username = ?`, [username.toLowerCase()]);
    return row && toUser(row);
  }

  async getByUsernames(usernames: readonly string[]): Promise<UserRecord[]> {
    if (!usernames.length) return [];
    const rows = await this.db.all<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users WHERE username IN (${placeholders(usernames.length)})`,
      usernames.map((u) => u.toLowerCase()),
    );
    return rows.map(toUser);
  }

  async getByEmail(email: string): Promise<UserRecord | undefined> {
    const row = await this.db.get<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE email = ?`, [email.toLowerCase()]);
    return row && toUser(row);
  }

  async list(q: UserQuery): Promise<UserRecord[]> {
    const where: string[] = ['u.delete_at = 0'];
    const params: (string | number)[] = [];
    if (q.inTeam) {
      where.push('EXISTS (SELECT 1 FROM team_members tm WHERE tm.user_id = u.id AND tm.team_id = ? AND tm.delete_at = 0)');
      params.push(q.inTeam);
    }
    if (q.inChannel) {
      where.push('EXISTS (SELECT 1 FROM channel_members cm WHERE cm.user_id = u.id AND cm.channel_id = ?)');
      params.push(q.inChannel);
    }
    if (q.notInChannel) {
      where.push('NOT EXISTS (SELECT 1 FROM channel_members cm WHERE cm.user_id = u.id AND cm.channel_id = ?)');
      params.push(q.notInChannel);
    }
    const rows = await this.db.all<UserRow>(
      `SELECT ${USER_COLUMNS.split(', ').map((c) => `u.${c}`).join(', ')} FROM users u WHERE ${where.join(' AND ')}
       ORDER BY u.username LIMIT ? OFFSET ?`,
      [...params, ...limitOffset(q)],
    );
    return rows.map(toUser);
  }

  async search(term: string, limit: number, teamId?: string): Promise<UserRecord[]> {
    // LOWER() on both sides: SQLite's LIKE ignores ASCII case, Postgres' does not.
    const like = `%${term.toLowerCase().replace(/[%_\\]/g, '')}%`;
    const params: (string | number)[] = [like, like, like, like];
    let teamClause = '';
    if (teamId) {
      teamClause = 'AND EXISTS (SELECT 1 FROM team_members tm WHERE tm.user_id = users.id AND tm.team_id = ? AND tm.delete_at = 0)';
      params.push(teamId);
    }
    const rows = await this.db.all<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users WHERE delete_at = 0
       AND (LOWER(username) LIKE ? OR LOWER(first_name) LIKE ? OR LOWER(last_name) LIKE ? OR LOWER(nickname) LIKE ?)
       ${teamClause} ORDER BY username LIMIT ?`,
      [...params, limit],
    );
    return rows.map(toUser);
  }

  async update(u: UserRecord): Promise<void> {
    await this.db.run(
      `UPDATE users SET update_at = ?, delete_at = ?, username = ?, email = ?, password = ?, nickname = ?, first_name = ?,
       last_name = ?, position = ?, roles = ?, locale = ?, props = ?, notify_props = ?, last_password_update = ? WHERE id = ?`,
      [
        u.update_at, u.delete_at, u.username, u.email, u.password, u.nickname, u.first_name, u.last_name, u.position,
        u.roles, u.locale, JSON.stringify(u.props), JSON.stringify(u.notify_props), u.last_password_update, u.id,
      ],
    );
  }

  async count(): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users WHERE is_bot = 0');
    return Number(row?.n ?? 0);
  }

  async listSystemAdmins(): Promise<UserRecord[]> {
    const rows = await this.db.all<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users WHERE delete_at = 0 AND roles LIKE ? ORDER BY create_at`,
      ['%system_admin%'],
    );
    return rows.map(toUser);
  }
}

type SessionRow = Omit<SessionRecord, 'is_access_token'> & { is_access_token: number };
type TokenRow = Omit<AccessTokenRecord, 'is_active'> & { is_active: number };
const SESSION_COLUMNS = 'id, token, user_id, create_at, expires_at, last_activity_at, csrf_token, is_access_token';
const TOKEN_COLUMNS = 'id, token, user_id, description, is_active, create_at';

const toSession = (r: SessionRow): SessionRecord => ({ ...r, is_access_token: bool(r.is_access_token) });
const toToken = (r: TokenRow): AccessTokenRecord => ({ ...r, is_active: bool(r.is_active) });

export class SqlSessionStore implements SessionStore {
  constructor(private readonly db: SqlExecutor) {}

  async create(s: SessionRecord): Promise<void> {
    await this.db.run(`INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (${placeholders(8)})`, [
      s.id, s.token, s.user_id, s.create_at, s.expires_at, s.last_activity_at, s.csrf_token, s.is_access_token,
    ]);
  }

  async getByToken(token: string): Promise<SessionRecord | undefined> {
    const row = await this.db.get<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE token = ?`, [token]);
    return row && toSession(row);
  }

  async remove(id: string): Promise<void> {
    await this.db.run('DELETE FROM sessions WHERE id = ?', [id]);
  }

  async removeForUser(userId: string): Promise<void> {
    await this.db.run('DELETE FROM sessions WHERE user_id = ?', [userId]);
  }

  async removeExpired(now: number): Promise<number> {
    return this.db.run('DELETE FROM sessions WHERE expires_at > 0 AND expires_at < ?', [now]);
  }

  async createAccessToken(t: AccessTokenRecord): Promise<void> {
    await this.db.run(`INSERT INTO access_tokens (${TOKEN_COLUMNS}) VALUES (${placeholders(6)})`, [
      t.id, t.token, t.user_id, t.description, t.is_active, t.create_at,
    ]);
  }

  async getAccessTokenByToken(token: string): Promise<AccessTokenRecord | undefined> {
    const row = await this.db.get<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM access_tokens WHERE token = ?`, [token]);
    return row && toToken(row);
  }

  async getAccessToken(id: string): Promise<AccessTokenRecord | undefined> {
    const row = await this.db.get<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM access_tokens WHERE id = ?`, [id]);
    return row && toToken(row);
  }

  async listAccessTokens(userId: string): Promise<AccessTokenRecord[]> {
    const rows = await this.db.all<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM access_tokens WHERE user_id = ? ORDER BY create_at`, [userId]);
    return rows.map(toToken);
  }

  async revokeAccessToken(id: string): Promise<void> {
    await this.db.run('DELETE FROM access_tokens WHERE id = ?', [id]);
  }
}

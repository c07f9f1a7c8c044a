import type { SqlExecutor } from './sql.js';
import { placeholders } from './sql.js';
import { bool, limitOffset } from './rows.js';
import type { Page, TeamMemberRecord, TeamRecord, TeamStore } from './types.js';

const TEAM_COLUMNS = 'id, create_at, update_at, delete_at, display_name, name, description, email, type, allow_open_invite, invite_id';
const MEMBER_COLUMNS = 'team_id, user_id, roles, create_at, delete_at';
type TeamRow = Omit<TeamRecord, 'allow_open_invite'> & { allow_open_invite: number };
const toTeam = (r: TeamRow): TeamRecord => ({ ...r, allow_open_invite: bool(r.allow_open_invite) });
const prefixed = (cols: string, p: string) => cols.split(', ').map((c) => `${p}.${c}`).join(', ');

export class SqlTeamStore implements TeamStore {
  constructor(private readonly db: SqlExecutor) {}

  async create(t: TeamRecord): Promise<void> {
    await this.db.run(`INSERT INTO teams (${TEAM_COLUMNS}) VALUES (${placeholders(11)})`, [
      t.id, t.create_at, t.update_at, t.delete_at, t.display_name, t.name, t.description, t.email, t.type,
      t.allow_open_invite, t.invite_id,
    ]);
  }

  async get(id: string): Promise<TeamRecord | undefined> {
    const row = await this.db.get<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams WHERE id = ?`, [id]);
    return row && toTeam(row);
  }

  async getByName(name: string): Promise<TeamRecord | undefined> {
    const row = await this.db.get<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams WHERE name = ?`, [name]);
    return row && toTeam(row);
  }

  async list(page: Page, openOnly: boolean): Promise<TeamRecord[]> {
    const rows = await this.db.all<TeamRow>(
      `SELECT ${TEAM_COLUMNS} FROM teams WHERE delete_at = 0 ${openOnly ? 'AND allow_open_invite = 1' : ''}
       ORDER BY display_name LIMIT ? OFFSET ?`,
      limitOffset(page),
    );
    return rows.map(toTeam);
  }

  async listForUser(userId: string): Promise<TeamRecord[]> {
    const rows = await this.db.all<TeamRow>(
      `SELECT ${prefixed(TEAM_COLUMNS, 't')} FROM teams t JOIN team_members m ON m.team_id = t.id
       WHERE m.user_id = ? AND m.delete_at = 0 AND t.delete_at = 0 ORDER BY t.display_name`,
      [userId],
    );
    return rows.map(toTeam);
  }

  async count(): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM teams');
    return Number(row?.n ?? 0);
  }

  async saveMember(m: TeamMemberRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO team_members (${MEMBER_COLUMNS}) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (team_id, user_id) DO UPDATE SET roles = excluded.roles, delete_at = excluded.delete_at`,
      [m.team_id, m.user_id, m.roles, m.create_at, m.delete_at],
    );
  }

  async getMember(teamId: string, userId: string): Promise<TeamMemberRecord | undefined> {
    return this.db.get<TeamMemberRecord>(
      `SELECT ${MEMBER_COLUMNS} FROM team_members WHERE team_id = ? AND user_id = ? AND delete_at = 0`,
      [teamId, userId],
    );
  }

  listMembers(teamId: string, page: Page): Promise<TeamMemberRecord[]> {
    return this.db.all<TeamMemberRecord>(
      `SELECT ${MEMBER_COLUMNS} FROM team_members WHERE team_id = ? AND delete_at = 0 ORDER BY create_at, user_id LIMIT ? OFFSET ?`,
      [teamId, ...limitOffset(page)],
    );
  }

  listMembersForUser(userId: string): Promise<TeamMemberRecord[]> {
    return this.db.all<TeamMemberRecord>(
      `SELECT ${MEMBER_COLUMNS} FROM team_members WHERE user_id = ? AND delete_at = 0 ORDER BY create_at`,
      [userId],
    );
  }

  async removeMember(teamId: string, userId: string, at: number): Promise<void> {
    await this.db.run('UPDATE team_members SET delete_at = ? WHERE team_id = ? AND user_id = ?', [at, teamId, userId]);
  }

  async memberIds(teamId: string): Promise<string[]> {
    const rows = await this.db.all<{ user_id: string }>(
      'SELECT user_id FROM team_members WHERE team_id = ? AND delete_at = 0',
      [teamId],
    );
    return rows.map((r) => r.user_id);
  }
}

import type { SqlExecutor } from './sql.js';
import { placeholders } from './sql.js';
import { limitOffset, parseJson } from './rows.js';
import type { ChannelMemberRecord, ChannelRecord, ChannelStore, Page } from './types.js';

const CHANNEL_COLUMNS =
  'id, create_at, update_at, delete_at, team_id, type, display_name, name, header, purpose, last_post_at, last_root_post_at, total_msg_count, creator_id';
const MEMBER_COLUMNS = 'channel_id, user_id, roles, last_viewed_at, msg_count, mention_count, notify_props, last_update_at';
type MemberRow = Omit<ChannelMemberRecord, 'notify_props'> & { notify_props: string };
const toMember = (r: MemberRow): ChannelMemberRecord => ({ ...r, notify_props: parseJson(r.notify_props, {}) });
const prefixed = (cols: string, p: string) => cols.split(', ').map((c) => `${p}.${c}`).join(', ');

export class SqlChannelStore implements ChannelStore {
  constructor(private readonly db: SqlExecutor) {}

  async create(c: ChannelRecord): Promise<void> {
    await this.db.run(`INSERT INTO channels (${CHANNEL_COLUMNS}) VALUES (${placeholders(14)})`, [
      c.id, c.create_at, c.update_at, c.delete_at, c.team_id, c.type, c.display_name, c.name, c.header, c.purpose,
      c.last_post_at, c.last_root_post_at, c.total_msg_count, c.creator_id,
    ]);
  }

  get(id: string): Promise<ChannelRecord | undefined> {
    return this.db.get<ChannelRecord>(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE id = ?`, [id]);
  }

  async getMany(ids: readonly string[]): Promise<ChannelRecord[]> {
    if (!ids.length) return [];
    return this.db.all<ChannelRecord>(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE id IN (${placeholders(ids.length)})`, ids);
  }

  getByName(teamId: string, name: string): Promise<ChannelRecord | undefined> {
    return this.db.get<ChannelRecord>(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE team_id = ? AND name = ?`, [teamId, name]);
  }

  listPublic(teamId: string, page: Page): Promise<ChannelRecord[]> {
    return this.db.all<ChannelRecord>(
      `SELECT ${CHANNEL_COLUMNS} FROM channels WHERE team_id = ? AND type = 'O' AND delete_at = 0
       ORDER BY display_name LIMIT ? OFFSET ?`,
      [teamId, ...limitOffset(page)],
    );
  }

  listForUser(userId: string, teamId?: string): Promise<ChannelRecord[]> {
    const teamClause = teamId === undefined ? '' : "AND (c.team_id = ? OR c.team_id = '')";
    return this.db.all<ChannelRecord>(
      `SELECT ${prefixed(CHANNEL_COLUMNS, 'c')} FROM channels c JOIN channel_members m ON m.channel_id = c.id
       WHERE m.user_id = ? AND c.delete_at = 0 ${teamClause} ORDER BY c.display_name, c.name`,
      teamId === undefined ? [userId] : [userId, teamId],
    );
  }

  async update(c: ChannelRecord): Promise<void> {
    await this.db.run(
      'UPDATE channels SET update_at = ?, delete_at = ?, display_name = ?, header = ?, purpose = ? WHERE id = ?',
      [c.update_at, c.delete_at, c.display_name, c.header, c.purpose, c.id],
    );
  }

  async recordPost(channelId: string, at: number, isRoot: boolean): Promise<void> {
    await this.db.run(
      `UPDATE channels SET total_msg_count = total_msg_count + 1,
       last_post_at = CASE WHEN last_post_at < ? THEN ? ELSE last_post_at END,
       last_root_post_at = CASE WHEN ? = 1 AND last_root_post_at < ? THEN ? ELSE last_root_post_at END
       WHERE id = ?`,
      [at, at, isRoot ? 1 : 0, at, at, channelId],
    );
  }

  async saveMember(m: ChannelMemberRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO channel_members (${MEMBER_COLUMNS}) VALUES (${placeholders(8)})
       ON CONFLICT (channel_id, user_id) DO UPDATE SET roles = excluded.roles, notify_props = excluded.notify_props,
       last_update_at = excluded.last_update_at`,
      [
        m.channel_id, m.user_id, m.roles, m.last_viewed_at, m.msg_count, m.mention_count,
        JSON.stringify(m.notify_props), m.last_update_at,
      ],
    );
  }

  async getMember(channelId: string, userId: string): Promise<ChannelMemberRecord | undefined> {
    const row = await this.db.get<MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM channel_members WHERE channel_id = ? AND user_id = ?`,
      [channelId, userId],
    );
    return row && toMember(row);
  }

  async listMembers(channelId: string, page: Page): Promise<ChannelMemberRecord[]> {
    const rows = await this.db.all<MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM channel_members WHERE channel_id = ? ORDER BY user_id LIMIT ? OFFSET ?`,
      [channelId, ...limitOffset(page)],
    );
    return rows.map(toMember);
  }

  async listMembersForUser(userId: string, teamId?: string): Promise<ChannelMemberRecord[]> {
    const teamClause = teamId === undefined ? '' : "AND (c.team_id = ? OR c.team_id = '')";
    const rows = await this.db.all<MemberRow>(
      `SELECT ${prefixed(MEMBER_COLUMNS, 'm')} FROM channel_members m JOIN channels c ON c.id = m.channel_id
       WHERE m.user_id = ? AND c.delete_at = 0 ${teamClause} ORDER BY m.channel_id`,
      teamId === undefined ? [userId] : [userId, teamId],
    );
    return rows.map(toMember);
  }

  async memberIds(channelId: string): Promise<string[]> {
    const rows = await this.db.all<{ user_id: string }>('SELECT user_id FROM channel_members WHERE channel_id = ?', [channelId]);
    return rows.map((r) => r.user_id);
  }

  async removeMember(channelId: string, userId: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM channel_members WHERE channel_id = ? AND user_id = ?', [channelId, userId])) > 0;
  }

  async markViewed(channelId: string, userId: string, at: number): Promise<number> {
    const member = await this.getMember(channelId, userId);
    if (!member) return 0;
    await this.db.run(
      `UPDATE channel_members SET last_viewed_at = ?, last_update_at = ?, mention_count = 0,
       msg_count = (SELECT total_msg_count FROM channels WHERE id = ?) WHERE channel_id = ? AND user_id = ?`,
      [at, at, channelId, channelId, userId],
    );
    return member.last_viewed_at;
  }
}

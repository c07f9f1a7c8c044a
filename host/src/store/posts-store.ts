import type { SqlExecutor, SqlValue } from './sql.js';
import { placeholders } from './sql.js';
import { bool, limitOffset, parseJson } from './rows.js';
import type { PostQuery, PostRecord, PostStore } from './types.js';

const POST_COLUMNS =
  'id, create_at, update_at, edit_at, delete_at, is_pinned, user_id, channel_id, root_id, original_id, message, type, props, hashtags';
type PostRow = Omit<PostRecord, 'props' | 'is_pinned'> & { props: string; is_pinned: number };
const toPost = (r: PostRow): PostRecord => ({ ...r, props: parseJson(r.props, {}), is_pinned: bool(r.is_pinned) });

export class SqlPostStore implements PostStore {
  constructor(private readonly db: SqlExecutor) {}

  async create(p: PostRecord): Promise<void> {
    await this.db.run(`INSERT INTO posts (${POST_COLUMNS}) VALUES (${placeholders(14)})`, [
      p.id, p.create_at, p.update_at, p.edit_at, p.delete_at, p.is_pinned, p.user_id, p.channel_id, p.root_id,
      p.original_id, p.message, p.type, JSON.stringify(p.props), p.hashtags,
    ]);
  }

  async get(id: string): Promise<PostRecord | undefined> {
    const row = await this.db.get<PostRow>(`SELECT ${POST_COLUMNS} FROM posts WHERE id = ?`, [id]);
    return row && toPost(row);
  }

  async update(p: PostRecord): Promise<void> {
    await this.db.run(
      `UPDATE posts SET update_at = ?, edit_at = ?, delete_at = ?, is_pinned = ?, message = ?, type = ?, props = ?,
       hashtags = ? WHERE id = ?`,
      [p.update_at, p.edit_at, p.delete_at, p.is_pinned, p.message, p.type, JSON.stringify(p.props), p.hashtags, p.id],
    );
  }

  async listForChannel(channelId: string, q: PostQuery): Promise<PostRecord[]> {
    const where = ['channel_id = ?'];
    const params: SqlValue[] = [channelId];
    if (q.since !== undefined) {
      // "since" is for catching up after a disconnect: include edits and deletions.
      where.push('update_at > ?');
      params.push(q.since);
    } else {
      where.push('delete_at = 0');
    }
    if (q.beforeCreateAt !== undefined) {
      where.push('create_at < ?');
      params.push(q.beforeCreateAt);
    }
    if (q.afterCreateAt !== undefined) {
      where.push('create_at > ?');
      params.push(q.afterCreateAt);
    }
    // "after" pages walk forward in time; everything else walks back from the newest.
    const order = q.afterCreateAt !== undefined ? 'ASC' : 'DESC';
    const rows = await this.db.all<PostRow>(
      `SELECT ${POST_COLUMNS} FROM posts WHERE ${where.join(' AND ')} ORDER BY create_at ${order}, id ${order} LIMIT ? OFFSET ?`,
      [...params, ...limitOffset(q)],
    );
    const posts = rows.map(toPost);
    return order === 'ASC' ? posts.reverse() : posts;
  }
}

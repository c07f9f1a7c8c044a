import type { Dialect, SqlDriver, SqlExecutor } from './sql.js';

// The same migrations run on SQLite and Postgres. Only the binary column type differs between the two;
// it is written `{blob}` below. Append new migrations, never edit applied ones.
interface Migration {
  version: number;
  name: string;
  statements: string[];
}

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'users_sessions_teams_channels_posts',
    statements: [
      `CREATE TABLE users (
        id TEXT PRIMARY KEY,
        create_at BIGINT NOT NULL,
        update_at BIGINT NOT NULL,
        delete_at BIGINT NOT NULL DEFAULT 0,
        username TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL UNIQUE,
        password TEXT NOT NULL DEFAULT '',
        nickname TEXT NOT NULL DEFAULT '',
        first_name TEXT NOT NULL DEFAULT '',
        last_name TEXT NOT NULL DEFAULT '',
        position TEXT NOT NULL DEFAULT '',
        roles TEXT NOT NULL,
        locale TEXT NOT NULL DEFAULT 'en',
        props TEXT NOT NULL DEFAULT '{}',
        notify_props TEXT NOT NULL DEFAULT '{}',
        last_password_update BIGINT NOT NULL DEFAULT 0,
        is_bot INTEGER NOT NULL DEFAULT 0,
        bot_description TEXT NOT NULL DEFAULT '',
        bot_owner_id TEXT NOT NULL DEFAULT ''
      )`,
      `CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL REFERENCES users(id),
        create_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        last_activity_at BIGINT NOT NULL,
        csrf_token TEXT NOT NULL,
        is_access_token INTEGER NOT NULL DEFAULT 0
      )`,
      `CREATE INDEX idx_sessions_user ON sessions (user_id)`,
      `CREATE TABLE access_tokens (
        id TEXT PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL REFERENCES users(id),
        description TEXT NOT NULL DEFAULT '',
        is_active INTEGER NOT NULL DEFAULT 1,
        create_at BIGINT NOT NULL
      )`,
      `CREATE TABLE teams (
        id TEXT PRIMARY KEY,
        create_at BIGINT NOT NULL,
        update_at BIGINT NOT NULL,
        delete_at BIGINT NOT NULL DEFAULT 0,
        display_name TEXT NOT NULL,
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        type TEXT NOT NULL,
        allow_open_invite INTEGER NOT NULL DEFAULT 1,
        invite_id TEXT NOT NULL
      )`,
      `CREATE TABLE team_members (
        team_id TEXT NOT NULL REFERENCES teams(id),
        user_id TEXT NOT NULL REFERENCES users(id),
        roles TEXT NOT NULL,
        create_at BIGINT NOT NULL,
        delete_at BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (team_id, user_id)
      )`,
      `CREATE INDEX idx_team_members_user ON team_members (user_id)`,
      `CREATE TABLE channels (
        id TEXT PRIMARY KEY,
        create_at BIGINT NOT NULL,
        update_at BIGINT NOT NULL,
        delete_at BIGINT NOT NULL DEFAULT 0,
        team_id TEXT NOT NULL,
        type TEXT NOT NULL,
        display_name TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL,
        header TEXT NOT NULL DEFAULT '',
        purpose TEXT NOT NULL DEFAULT '',
        last_post_at BIGINT NOT NULL DEFAULT 0,
        last_root_post_at BIGINT NOT NULL DEFAULT 0,
        total_msg_count BIGINT NOT NULL DEFAULT 0,
        creator_id TEXT NOT NULL DEFAULT '',
        UNIQUE (team_id, name)
      )`,
      `CREATE TABLE channel_members (
        channel_id TEXT NOT NULL REFERENCES channels(id),
        user_id TEXT NOT NULL REFERENCES users(id),
        roles TEXT NOT NULL,
        last_viewed_at BIGINT NOT NULL DEFAULT 0,
        msg_count BIGINT NOT NULL DEFAULT 0,
        mention_count BIGINT NOT NULL DEFAULT 0,
        notify_props TEXT NOT NULL DEFAULT '{}',
        last_update_at BIGINT NOT NULL,
        PRIMARY KEY (channel_id, user_id)
      )`,
      `CREATE INDEX idx_channel_members_user ON channel_members (user_id)`,
      `CREATE TABLE posts (
        id TEXT PRIMARY KEY,
        create_at BIGINT NOT NULL,
        update_at BIGINT NOT NULL,
        edit_at BIGINT NOT NULL DEFAULT 0,
        delete_at BIGINT NOT NULL DEFAULT 0,
        is_pinned INTEGER NOT NULL DEFAULT 0,
        user_id TEXT NOT NULL,
        channel_id TEXT NOT NULL REFERENCES channels(id),
        root_id TEXT NOT NULL DEFAULT '',
        original_id TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL DEFAULT '',
        type TEXT NOT NULL DEFAULT '',
        props TEXT NOT NULL DEFAULT '{}',
        hashtags TEXT NOT NULL DEFAULT ''
      )`,
      `CREATE INDEX idx_posts_channel_create ON posts (channel_id, create_at)`,
      `CREATE TABLE plugin_kv (
        plugin_id TEXT NOT NULL,
        pkey TEXT NOT NULL,
        pvalue {blob},
        expire_at BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (plugin_id, pkey)
      )`,
      `CREATE TABLE plugin_configs (
        plugin_id TEXT PRIMARY KEY,
        config TEXT NOT NULL,
        update_at BIGINT NOT NULL
      )`,
    ],
  },
];

function render(sql: string, dialect: Dialect): string {
  return sql.replaceAll('{blob}', dialect === 'postgres' ? 'BYTEA' : 'BLOB');
}

async function appliedVersions(tx: SqlExecutor): Promise<Set<number>> {
  await tx.run(
    `CREATE TABLE IF NOT EXISTS host_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
  );
  const rows = await tx.all<{ version: number }>('SELECT version FROM host_migrations');
  return new Set(rows.map((r) => r.version));
}

/** Applies pending migrations in one transaction; returns the versions it applied. */
export async function migrate(driver: SqlDriver): Promise<number[]> {
  return driver.withMigrationLock(async (tx) => {
    const done = await appliedVersions(tx);
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const stmt of m.statements) await tx.run(render(stmt, tx.dialect));
      await tx.run('INSERT INTO host_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.name,
        Date.now(),
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}

export const LATEST_MIGRATION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

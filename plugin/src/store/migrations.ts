// The plugin's tables in the host's database, versioned in their own `calls_migrations` table (the host's
// migrations never touch them). Same statements on SQLite and PostgreSQL: JSON documents are TEXT and
// booleans INTEGER on both. Runs at every activation; applied versions are skipped, and concurrent
// activations (several processes on one database) are serialised by `Db.exclusive`.
import type { Db, SqlExecutor } from './db.js';

interface Migration {
  version: number;
  name: string;
  statements: string[];
}

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'create_calls_channels',
    statements: [
      `CREATE TABLE IF NOT EXISTS calls_channels (
        channelid VARCHAR(26) PRIMARY KEY,
        enabled INTEGER,
        props TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: 'create_calls',
    statements: [
      `CREATE TABLE IF NOT EXISTS calls (
        id VARCHAR(26) PRIMARY KEY,
        channelid VARCHAR(26),
        startat BIGINT,
        endat BIGINT,
        createat BIGINT,
        deleteat BIGINT,
        title VARCHAR(256),
        postid VARCHAR(26),
        threadid VARCHAR(26),
        ownerid VARCHAR(26),
        participants TEXT NOT NULL,
        stats TEXT NOT NULL,
        props TEXT NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS idx_calls_channel_id ON calls (channelid)`,
      `CREATE INDEX IF NOT EXISTS idx_calls_end_at ON calls (endat)`,
      // One call per channel, enforced by the database too: a second active row cannot exist.
      `CREATE UNIQUE INDEX IF NOT EXISTS idx_calls_one_active_per_channel ON calls (channelid) WHERE endat = 0`,
    ],
  },
  {
    version: 3,
    name: 'create_calls_sessions',
    statements: [
      `CREATE TABLE IF NOT EXISTS calls_sessions (
        id VARCHAR(26) PRIMARY KEY,
        callid VARCHAR(26),
        userid VARCHAR(26),
        joinat BIGINT,
        unmuted INTEGER,
        raisedhand BIGINT,
        video INTEGER
      )`,
      `CREATE INDEX IF NOT EXISTS idx_calls_sessions_call_id ON calls_sessions (callid)`,
    ],
  },
  {
    // Reserved for recording/transcription jobs (a later stage); the shape is the reference's.
    version: 4,
    name: 'create_calls_jobs',
    statements: [
      `CREATE TABLE IF NOT EXISTS calls_jobs (
        id VARCHAR(26) PRIMARY KEY,
        callid VARCHAR(26),
        type VARCHAR(64),
        creatorid VARCHAR(26),
        initat BIGINT,
        startat BIGINT,
        endat BIGINT,
        props TEXT NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS idx_calls_jobs_call_id ON calls_jobs (callid)`,
    ],
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

async function applied(tx: SqlExecutor): Promise<Set<number>> {
  const rows = await tx.all<{ version: number }>('SELECT version FROM calls_migrations');
  return new Set(rows.map((r) => Number(r.version)));
}

/** Applies pending migrations; returns the versions it applied. */
export async function migrate(db: Db): Promise<number[]> {
  return db.exclusive(async (tx) => {
    await tx.run('CREATE TABLE IF NOT EXISTS calls_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const done = await applied(tx);
    const out: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const sql of m.statements) await tx.run(sql);
      await tx.run('INSERT INTO calls_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
      out.push(m.version);
    }
    return out;
  });
}

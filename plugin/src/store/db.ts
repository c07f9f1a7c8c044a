// The plugin's own connection to the host's database (api.getDBSettings()): SQLite through better-sqlite3
// (WAL and a busy timeout, since the host process has the same file open) or PostgreSQL through a pg pool.
// Statements are written once with `?` placeholders; booleans live in INTEGER columns on both.
import Database from 'better-sqlite3';
import pg from 'pg';
import type { DBSettings } from '@calls-ts/host/plugin-rpc';

export type SqlValue = string | number | boolean | null;
export type Dialect = 'sqlite' | 'postgres';

export interface SqlExecutor {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Resolves with the number of changed rows. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface Db extends SqlExecutor {
  /** Runs `fn` in one transaction that also excludes other processes' migrations/writes while it runs. */
  exclusive<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const bindValue = (p: SqlValue): unknown => (typeof p === 'boolean' ? (p ? 1 : 0) : p);

class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();

  constructor(file: string) {
    this.db = new Database(file);
    // The host created the file in WAL mode; the busy timeout makes our writes wait for its short ones.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('synchronous = NORMAL');
  }

  private prepare(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.stmts.size > 300) this.stmts.clear();
      this.stmts.set(sql, s);
    }
    return s;
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.prepare(sql).all(...params.map(bindValue)) as T[];
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.prepare(sql).get(...params.map(bindValue)) as T | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    // DDL cannot be cached across schema changes; it runs rarely anyway.
    if (/^\s*(CREATE|ALTER|DROP)\b/i.test(sql)) {
      this.stmts.clear();
      this.db.exec(sql);
      return 0;
    }
    return this.prepare(sql).run(...params.map(bindValue)).changes;
  }

  async exclusive<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // better-sqlite3 runs everything on this thread, so nothing of ours interleaves; BEGIN IMMEDIATE keeps
    // the host and other processes out for the duration.
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = await fn(this);
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

// Postgres returns BIGINT/COUNT as strings; our values (ms timestamps, counts) fit in a double.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

const numbered = new Map<string, string>();
function toPg(sql: string): string {
  let out = numbered.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    if (numbered.size > 500) numbered.clear();
    numbered.set(sql, out);
  }
  return out;
}

class PgExecutor implements SqlExecutor {
  readonly dialect = 'postgres' as const;
  constructor(protected readonly target: { query: pg.Pool['query'] }) {}

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const res = await this.target.query(toPg(sql), params.map(bindValue));
    return res.rows as T[];
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const res = await this.target.query(toPg(sql), params.map(bindValue));
    return res.rowCount ?? 0;
  }
}

class PgDb extends PgExecutor implements Db {
  constructor(private readonly pool: pg.Pool) {
    super(pool);
  }

  async exclusive<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One lock id for the Calls plugin's schema work, held until COMMIT.
      await client.query('SELECT pg_advisory_xact_lock(7346150023)');
      const out = await fn(new PgExecutor(client));
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export function openDb(settings: DBSettings): Db {
  if (settings.driver === 'sqlite') return new SqliteDb(settings.dataSource);
  const pool = new pg.Pool({ connectionString: settings.dataSource, max: 8, types: pgTypes, idleTimeoutMillis: 30_000 });
  // An idle client's error (server restart) must not crash the process; queries report their own errors.
  pool.on('error', () => undefined);
  return new PgDb(pool);
}

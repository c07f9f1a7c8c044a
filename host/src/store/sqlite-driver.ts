import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SqlDriver, SqlExecutor, SqlValue } from './sql.js';
import { UniqueViolation } from './sql.js';

type Params = readonly SqlValue[];

// better-sqlite3 takes no booleans and wants Buffers rather than bare Uint8Arrays.
function bind(params: Params): unknown[] {
  return params.map((p) => {
    if (typeof p === 'boolean') return p ? 1 : 0;
    if (p instanceof Uint8Array && !Buffer.isBuffer(p)) return Buffer.from(p.buffer, p.byteOffset, p.byteLength);
    return p;
  });
}

function mapError(err: unknown): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return new UniqueViolation(err);
  return err;
}

class DirectExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      // The statement cache is bounded by the number of distinct statements in the code, except IN lists
      // whose length varies: cap it anyway.
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  async all<T>(sql: string, params: Params = []): Promise<T[]> {
    try {
      return this.prepare(sql).all(...bind(params)) as T[];
    } catch (err) {
      throw mapError(err);
    }
  }

  async get<T>(sql: string, params: Params = []): Promise<T | undefined> {
    try {
      return this.prepare(sql).get(...bind(params)) as T | undefined;
    } catch (err) {
      throw mapError(err);
    }
  }

  async run(sql: string, params: Params = []): Promise<number> {
    try {
      return this.prepare(sql).run(...bind(params)).changes;
    } catch (err) {
      throw mapError(err);
    }
  }
}

/**
 * SQLite through better-sqlite3 (WAL, busy timeout so that the plugin process can share the file).
 * better-sqlite3 is synchronous on one connection, so an async transaction must keep every other query
 * out until it ends: queries issued meanwhile wait for it, transactions queue behind each other.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly direct: DirectExecutor;
  private txQueue: Promise<unknown> = Promise.resolve();
  private activeTx: Promise<void> | null = null;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('synchronous = NORMAL');
    this.direct = new DirectExecutor(this.db);
  }

  private async idle(): Promise<void> {
    while (this.activeTx) await this.activeTx;
  }

  async all<T>(sql: string, params?: Params): Promise<T[]> {
    await this.idle();
    return this.direct.all<T>(sql, params);
  }

  async get<T>(sql: string, params?: Params): Promise<T | undefined> {
    await this.idle();
    return this.direct.get<T>(sql, params);
  }

  async run(sql: string, params?: Params): Promise<number> {
    await this.idle();
    return this.direct.run(sql, params);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const body = async (): Promise<T> => {
      await this.idle();
      let done!: () => void;
      this.activeTx = new Promise<void>((resolve) => (done = resolve));
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.direct);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      } finally {
        this.activeTx = null;
        done();
      }
    };
    const result = this.txQueue.then(body, body);
    this.txQueue = result.catch(() => undefined);
    return result;
  }

  // BEGIN IMMEDIATE takes SQLite's write lock, which already excludes other processes.
  withMigrationLock<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.transaction(fn);
  }

  async close(): Promise<void> {
    await this.txQueue;
    if (this.db.open) this.db.close();
  }
}

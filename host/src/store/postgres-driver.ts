import pg from 'pg';
import type { SqlDriver, SqlExecutor, SqlValue } from './sql.js';
import { UniqueViolation } from './sql.js';

type Params = readonly SqlValue[];
type Queryable = { query: pg.Pool['query'] };

// Postgres returns BIGINT and COUNT(*) as strings; our values (ms timestamps, counters) fit in a double.
const INT8_OID = 20;
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

// `?` → `$n`. Our statements never contain a literal question mark.
const numbered = new Map<string, string>();
function toPg(sql: string): string {
  let out = numbered.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    if (numbered.size > 1000) numbered.clear();
    numbered.set(sql, out);
  }
  return out;
}

// Booleans live in INTEGER columns on both databases (SQLite has no boolean type).
const bind = (params: Params): unknown[] => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

function mapError(err: unknown): unknown {
  if ((err as { code?: string }).code === '23505') return new UniqueViolation(err);
  return err;
}

class PgExecutor implements SqlExecutor {
  readonly dialect = 'postgres' as const;
  constructor(private readonly target: Queryable) {}

  async all<T>(sql: string, params: Params = []): Promise<T[]> {
    try {
      const res = await this.target.query(toPg(sql), bind(params));
      return res.rows as T[];
    } catch (err) {
      throw mapError(err);
    }
  }

  async get<T>(sql: string, params: Params = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: Params = []): Promise<number> {
    try {
      const res = await this.target.query(toPg(sql), bind(params));
      return res.rowCount ?? 0;
    } catch (err) {
      throw mapError(err);
    }
  }
}

// An arbitrary fixed key for pg_advisory_xact_lock: "host migrations".
const MIGRATION_LOCK_KEY = 80658067;

export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly exec: PgExecutor;

  constructor(dataSource: string, maxConnections = 10) {
    this.pool = new pg.Pool({ connectionString: dataSource, max: maxConnections, types });
    // An idle client losing its connection (database restart) must not crash the process.
    this.pool.on('error', () => undefined);
    this.exec = new PgExecutor(this.pool);
  }

  all<T>(sql: string, params?: Params): Promise<T[]> {
    return this.exec.all<T>(sql, params);
  }
  get<T>(sql: string, params?: Params): Promise<T | undefined> {
    return this.exec.get<T>(sql, params);
  }
  run(sql: string, params?: Params): Promise<number> {
    return this.exec.run(sql, params);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new PgExecutor(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw mapError(err);
    } finally {
      client.release();
    }
  }

  withMigrationLock<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.transaction(async (tx) => {
      await tx.run(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      return fn(tx);
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

// The narrow SQL surface both databases share. Statements are written once with `?` placeholders and
// portable SQL (ON CONFLICT upserts, RETURNING-free, LIMIT/OFFSET); the Postgres driver renumbers the
// placeholders. Everything above this file is database-agnostic.
export type Dialect = 'sqlite' | 'postgres';
export type SqlValue = string | number | boolean | null | Uint8Array;

export interface SqlExecutor {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlDriver extends SqlExecutor {
  /** Runs `fn` in one transaction; the executor it gets is the only one to use inside. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Serializes schema migrations between processes sharing the database (several hosts on one Postgres). */
  withMigrationLock<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A unique or primary-key constraint was violated (same class for both databases). */
export class UniqueViolation extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'UniqueViolation';
  }
}

/** `(?, ?, ?)` for an IN list; callers never pass an empty list. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

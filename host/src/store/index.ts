import type { SqlDriver, SqlExecutor } from './sql.js';
import { SqliteDriver } from './sqlite-driver.js';
import { PostgresDriver } from './postgres-driver.js';
import { migrate } from './migrations.js';
import { SqlSessionStore, SqlUserStore } from './users-store.js';
import { SqlTeamStore } from './teams-store.js';
import { SqlChannelStore } from './channels-store.js';
import { SqlPostStore } from './posts-store.js';
import { SqlKvStore, SqlPluginConfigStore } from './kv-store.js';
import type { Store } from './types.js';

export type * from './types.js';
export { UniqueViolation } from './sql.js';

export type DriverName = 'sqlite' | 'postgres';

export interface StoreSettings {
  driver: DriverName;
  /** SQLite: a file path (or `:memory:`). Postgres: a connection string. */
  dataSource: string;
}

class SqlStore implements Store {
  readonly users;
  readonly sessions;
  readonly teams;
  readonly channels;
  readonly posts;
  readonly kv;
  readonly pluginConfigs;

  constructor(
    private readonly driver: SqlDriver,
    executor: SqlExecutor,
    readonly driverName: DriverName,
  ) {
    this.users = new SqlUserStore(executor);
    this.sessions = new SqlSessionStore(executor);
    this.teams = new SqlTeamStore(executor);
    this.channels = new SqlChannelStore(executor);
    this.posts = new SqlPostStore(executor);
    this.kv = new SqlKvStore(executor);
    this.pluginConfigs = new SqlPluginConfigStore(executor);
  }

  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    return this.driver.transaction((tx) => fn(new SqlStore(this.driver, tx, this.driverName)));
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

/** Opens the database, applies pending migrations and returns the store. */
export async function openStore(settings: StoreSettings): Promise<Store> {
  const driver: SqlDriver =
    settings.driver === 'postgres' ? new PostgresDriver(settings.dataSource) : new SqliteDriver(settings.dataSource);
  try {
    await migrate(driver);
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw err;
  }
  return new SqlStore(driver, driver, settings.driver);
}

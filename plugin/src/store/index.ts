// The plugin store: its own connection to the host's database, its own migrations, instrumented methods.
import type { DBSettings } from '@calls-ts/host/plugin-rpc';
import type { PluginMetrics } from '../metrics/metrics.js';
import { openDb, type Db } from './db.js';
import { migrate } from './migrations.js';
import { CallsStore } from './calls-store.js';
import { StatsStore } from './stats-store.js';

export type * from './types.js';
export { emptyStats } from './types.js';
export { CallsStore } from './calls-store.js';
export { StatsStore } from './stats-store.js';
export type { Db, Dialect } from './db.js';
export { SCHEMA_VERSION } from './migrations.js';

export interface Store {
  readonly db: Db;
  readonly calls: CallsStore;
  readonly stats: StatsStore;
  close(): Promise<void>;
}

/** Connects and migrates; rejects (with the connection closed) when either fails. */
export async function openStore(settings: DBSettings, metrics: PluginMetrics): Promise<Store> {
  const db = openDb(settings);
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return { db, calls: new CallsStore(db, metrics), stats: new StatsStore(db, metrics), close: () => db.close() };
}

import type { SqlExecutor } from './sql.js';
import { limitOffset } from './rows.js';
import type { KvSetOptions, KvStore, Page, PluginConfigStore } from './types.js';
import { parseJson } from './rows.js';

const expireAt = (now: number, seconds: number) => (seconds > 0 ? now + seconds * 1000 : 0);
const live = '(expire_at = 0 OR expire_at > ?)';

function toBytes(v: unknown): Uint8Array | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return v;
  return null;
}

/**
 * The plugin key-value store. Expired keys read as absent everywhere. Atomic operations are single SQL
 * statements so that they hold across processes and hosts sharing the database (cluster mutexes depend
 * on that).
 */
export class SqlKvStore implements KvStore {
  constructor(private readonly db: SqlExecutor) {}

  async get(pluginId: string, key: string, now: number): Promise<Uint8Array | null> {
    const row = await this.db.get<{ pvalue: unknown }>(
      `SELECT pvalue FROM plugin_kv WHERE plugin_id = ? AND pkey = ? AND ${live}`,
      [pluginId, key, now],
    );
    return row ? toBytes(row.pvalue) : null;
  }

  async set(pluginId: string, key: string, value: Uint8Array, at: number): Promise<void> {
    await this.db.run(
      `INSERT INTO plugin_kv (plugin_id, pkey, pvalue, expire_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (plugin_id, pkey) DO UPDATE SET pvalue = excluded.pvalue, expire_at = excluded.expire_at`,
      [pluginId, key, value, at],
    );
  }

  async setWithOptions(
    pluginId: string,
    key: string,
    value: Uint8Array | null,
    opts: KvSetOptions,
    now: number,
  ): Promise<boolean> {
    const exp = expireAt(now, opts.expireInSeconds);
    if (!opts.atomic) {
      if (value === null) await this.delete(pluginId, key);
      else await this.set(pluginId, key, value, exp);
      return true;
    }
    if (value === null) {
      // Atomic delete: only if the key still holds the expected value (or is already gone when expecting null).
      if (opts.oldValue === null) return (await this.get(pluginId, key, now)) === null;
      const n = await this.db.run(`DELETE FROM plugin_kv WHERE plugin_id = ? AND pkey = ? AND pvalue = ? AND ${live}`, [
        pluginId, key, opts.oldValue, now,
      ]);
      return n > 0;
    }
    if (opts.oldValue === null) {
      // Create only if absent; an expired row counts as absent and is overwritten in the same statement.
      const n = await this.db.run(
        `INSERT INTO plugin_kv (plugin_id, pkey, pvalue, expire_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (plugin_id, pkey) DO UPDATE SET pvalue = excluded.pvalue, expire_at = excluded.expire_at
         WHERE plugin_kv.expire_at <> 0 AND plugin_kv.expire_at <= ?`,
        [pluginId, key, value, exp, now],
      );
      return n > 0;
    }
    const n = await this.db.run(
      `UPDATE plugin_kv SET pvalue = ?, expire_at = ? WHERE plugin_id = ? AND pkey = ? AND pvalue = ? AND ${live}`,
      [value, exp, pluginId, key, opts.oldValue, now],
    );
    return n > 0;
  }

  async delete(pluginId: string, key: string): Promise<void> {
    await this.db.run('DELETE FROM plugin_kv WHERE plugin_id = ? AND pkey = ?', [pluginId, key]);
  }

  async deleteAll(pluginId: string): Promise<void> {
    await this.db.run('DELETE FROM plugin_kv WHERE plugin_id = ?', [pluginId]);
  }

  async list(pluginId: string, page: Page, now: number): Promise<string[]> {
    const rows = await this.db.all<{ pkey: string }>(
      `SELECT pkey FROM plugin_kv WHERE plugin_id = ? AND ${live} ORDER BY pkey LIMIT ? OFFSET ?`,
      [pluginId, now, ...limitOffset(page)],
    );
    return rows.map((r) => r.pkey);
  }

  removeExpired(now: number): Promise<number> {
    return this.db.run('DELETE FROM plugin_kv WHERE expire_at <> 0 AND expire_at <= ?', [now]);
  }
}

export class SqlPluginConfigStore implements PluginConfigStore {
  constructor(private readonly db: SqlExecutor) {}

  async get(pluginId: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.db.get<{ config: string }>('SELECT config FROM plugin_configs WHERE plugin_id = ?', [pluginId]);
    return row ? parseJson<Record<string, unknown>>(row.config, {}) : undefined;
  }

  async save(pluginId: string, config: Record<string, unknown>, at: number): Promise<void> {
    await this.db.run(
      `INSERT INTO plugin_configs (plugin_id, config, update_at) VALUES (?, ?, ?)
       ON CONFLICT (plugin_id) DO UPDATE SET config = excluded.config, update_at = excluded.update_at`,
      [pluginId, JSON.stringify(config), at],
    );
  }
}

import type { PluginManifest } from '@mattermost/types/plugins';
import { badRequest } from '../errors.js';
import { schemaSettings, type PluginSettingDef } from './manifest.js';

/**
 * Plugin settings from `settings_schema`: defaults, and validation of what an admin submits. Keys are the
 * schema's keys as written (matched case-insensitively on input, like Mattermost's config).
 */
export class PluginSettings {
  private readonly defs: Map<string, PluginSettingDef>;

  constructor(manifest: PluginManifest) {
    this.defs = new Map(schemaSettings(manifest).map((d) => [d.key.toLowerCase(), d]));
  }

  defaults(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const d of this.defs.values()) if (d.default !== undefined) out[d.key] = d.default;
    return out;
  }

  /** Defaults overlaid with the stored values (stored keys no longer in the schema are kept as they are). */
  effective(stored: Record<string, unknown> | undefined): Record<string, unknown> {
    const out = this.defaults();
    for (const [k, v] of Object.entries(stored ?? {})) out[this.defs.get(k.toLowerCase())?.key ?? k] = v;
    return out;
  }

  /**
   * Validates a patch (null resets a key to its default) and returns the new stored values. Throws a 400
   * naming the first bad key.
   */
  apply(stored: Record<string, unknown> | undefined, patch: Record<string, unknown>): Record<string, unknown> {
    const next: Record<string, unknown> = { ...(stored ?? {}) };
    for (const [rawKey, value] of Object.entries(patch)) {
      const def = this.defs.get(rawKey.toLowerCase());
      if (!def) throw badRequest('app.plugin.config.unknown_setting', `Unknown setting "${rawKey}".`);
      for (const k of Object.keys(next)) if (k.toLowerCase() === def.key.toLowerCase()) delete next[k];
      if (value === null) continue;
      next[def.key] = this.check(def, value);
    }
    return next;
  }

  private check(def: PluginSettingDef, value: unknown): unknown {
    const fail = (expected: string) =>
      badRequest('app.plugin.config.invalid_setting', `Setting "${def.key}" must be ${expected}.`);
    switch (def.type) {
      case 'bool':
        if (typeof value === 'boolean') return value;
        if (value === 'true' || value === 'false') return value === 'true';
        throw fail('true or false');
      case 'number': {
        const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (typeof n === 'number' && Number.isFinite(n)) return n;
        throw fail('a number');
      }
      case 'dropdown':
      case 'radio': {
        const allowed = (def.options ?? []).map((o) => o.value);
        if (typeof value === 'string' && allowed.includes(value)) return value;
        throw fail(`one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
      }
      case 'text':
      case 'longtext':
      case 'generated':
      case 'username':
        if (typeof value === 'string' && value.length <= 65536) return value;
        if (typeof value === 'number' || typeof value === 'boolean') return String(value);
        throw fail('a string');
      default:
        // custom settings hold whatever the plugin's own admin UI stores.
        return value;
    }
  }
}

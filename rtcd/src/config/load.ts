// Loading order as the reference (cmd/rtcd): defaults → TOML file if present → RTCD_* env → validation.
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { ConfigError, KEYS, type KeySpec, defaultConfig } from './keys.js';
import { fromEnv, fromToml } from './parse.js';
import type { RtcdConfig } from './types.js';
import { validateConfig } from './validate.js';

export interface LoadedConfig {
  config: RtcdConfig;
  /** Things the operator should see in the log once the logger exists (missing file, unknown keys). */
  notices: string[];
}

const byToml = new Map<string, KeySpec>(KEYS.map((k) => [k.toml, k]));
const tablePrefixes = new Set<string>(KEYS.flatMap((k) => k.toml.split('.').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('.'))));

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

// Keys are matched case-insensitively, like the reference's TOML decoder matching Go field names.
function applyToml(cfg: RtcdConfig, table: Record<string, unknown>, prefix: string, notices: string[]): void {
  for (const [k, v] of Object.entries(table)) {
    const path = prefix ? `${prefix}.${k.toLowerCase()}` : k.toLowerCase();
    const spec = byToml.get(path);
    if (spec) {
      spec.set(cfg, fromToml(spec, v) as never);
    } else if (tablePrefixes.has(path) && isTable(v)) {
      applyToml(cfg, v, path, notices);
    } else {
      notices.push(`unknown config key ${path} ignored`);
    }
  }
}

export function loadConfig(opts: { path: string; env?: NodeJS.ProcessEnv }): LoadedConfig {
  const env = opts.env ?? process.env;
  const config = defaultConfig();
  const notices: string[] = [];
  let text: string | undefined;
  try {
    text = readFileSync(opts.path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError(`failed to read config file ${opts.path}: ${(err as Error).message}`);
    }
    notices.push(`config file not found at ${opts.path}, using defaults`);
  }
  if (text !== undefined) {
    let doc: Record<string, unknown>;
    try {
      doc = parseToml(text) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`failed to parse config file ${opts.path}: ${(err as Error).message.split('\n')[0]}`);
    }
    applyToml(config, doc, '', notices);
  }
  for (const spec of KEYS) {
    const raw = env[spec.env];
    if (raw !== undefined) spec.set(config, fromEnv(spec, raw) as never);
  }
  validateConfig(config);
  return { config, notices };
}

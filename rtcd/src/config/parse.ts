// Turns TOML values and env strings into typed config values, one rule per key kind. Errors name the key
// or variable so that an operator sees exactly which line to fix.
import { z } from 'zod';
import type { IceServerConfig } from '../rtc/types.js';
import { ConfigError, type KeySpec } from './keys.js';
import type { LogLevel } from './types.js';

// mlog's level names (case-insensitive) mapped onto pino's.
const LEVELS: Record<string, LogLevel> = {
  panic: 'fatal',
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  warning: 'warn',
  info: 'info',
  stdlog: 'info',
  debug: 'debug',
  trace: 'trace',
};

function parseLevel(v: string, where: string): LogLevel {
  const l = LEVELS[v.trim().toLowerCase()];
  if (!l) throw new ConfigError(`${where}: unknown log level "${v}" (use one of ${Object.keys(LEVELS).join(', ')})`);
  return l;
}

function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const iceServerEntry = z.union([
  z.string(),
  z.object({
    urls: z.union([z.array(z.string()), z.string()]),
    username: z.string().optional(),
    credential: z.string().optional(),
  }),
]);

function toIceServer(e: z.infer<typeof iceServerEntry>): IceServerConfig {
  if (typeof e === 'string') return { urls: [e] };
  const s: IceServerConfig = { urls: typeof e.urls === 'string' ? [e.urls] : e.urls };
  if (e.username) s.username = e.username;
  if (e.credential) s.credential = e.credential;
  return s;
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

/** A value read from the TOML file. */
export function fromToml(spec: KeySpec, v: unknown): unknown {
  const where = `config key ${spec.toml}`;
  const wrong = (want: string) => new ConfigError(`${where}: expected ${want}, got ${typeName(v)}`);
  switch (spec.kind) {
    case 'string':
      if (typeof v !== 'string') throw wrong('a string');
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw wrong('true or false');
      return v;
    case 'int':
      if (typeof v === 'bigint') return Number(v);
      if (typeof v !== 'number' || !Number.isInteger(v)) throw wrong('an integer');
      return v;
    case 'list':
      if (typeof v === 'string') return splitList(v);
      if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v.map((s) => s.trim()).filter(Boolean);
      throw wrong('a comma-separated string or a list of strings');
    case 'portOrString':
      if (typeof v === 'number' && Number.isInteger(v)) return String(v);
      if (typeof v !== 'string') throw wrong('a port number or a string');
      return v;
    case 'iceServers': {
      const r = z.array(iceServerEntry).safeParse(v);
      if (!r.success) throw new ConfigError(`${where}: expected a list of URLs or {urls, username, credential} tables`);
      return r.data.map(toIceServer);
    }
    case 'level':
      if (typeof v !== 'string') throw wrong('a level name');
      return parseLevel(v, where);
  }
}

// Go's strconv.ParseBool, which envconfig uses.
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** A value read from an RTCD_* environment variable. */
export function fromEnv(spec: KeySpec, raw: string): unknown {
  const where = `env ${spec.env}`;
  switch (spec.kind) {
    case 'string':
    case 'portOrString':
      return raw;
    case 'bool':
      if (TRUE.has(raw)) return true;
      if (FALSE.has(raw)) return false;
      throw new ConfigError(`${where}: "${raw}" is not a boolean`);
    case 'int':
      if (!/^[+-]?\d{1,15}$/.test(raw.trim())) throw new ConfigError(`${where}: "${raw}" is not an integer`);
      return Number.parseInt(raw, 10);
    case 'list':
      return splitList(raw);
    case 'iceServers': {
      // As the reference's ICEServers.Decode: a JSON list of URLs is one server; otherwise a list of servers.
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        throw new ConfigError(`${where}: not valid JSON (expected ["stun:host:port"] or [{"urls":[...],"username":"..","credential":".."}])`);
      }
      const urls = z.array(z.string()).safeParse(json);
      if (urls.success) return urls.data.length ? [{ urls: urls.data }] : [];
      const servers = z.array(iceServerEntry).safeParse(json);
      if (!servers.success) throw new ConfigError(`${where}: expected a JSON list of URLs or of {urls, username, credential} objects`);
      return servers.data.map(toIceServer);
    }
    case 'level':
      return parseLevel(raw, where);
  }
}
